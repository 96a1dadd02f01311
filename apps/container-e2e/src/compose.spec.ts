/**
 * docker-compose.yml: valid for docker-compose 1.29 (`config -q`, the same check CI runs), and
 * the design choices of the file, checked one by one (docs/containers.md explains them).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, interpolate, loadCompose, networksOf, read, run, secretNames, which } from './support/repo';

const APPS = ['auth', 'orders', 'inventory'] as const;
const SECRET_LOOKING = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|ENCRYPTION_KEY|CREDENTIAL|DATABASE_URL)$/;

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const services = compose.services;

  it('is valid for docker-compose config -q (Debian docker-compose 1.29)', () => {
    const binary = which('docker-compose');
    if (!binary) {
      throw new Error(
        'docker-compose is not installed: CI validates the compose file with it. Install it with ' +
          '`apt-get install -y docker-compose` (Debian; .ci/run does this).',
      );
    }
    const result = run(binary, ['-f', 'docker-compose.yml', 'config', '-q'], { timeoutMs: 30_000 });
    expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  });

  it('has no key that docker-compose 1.29 or Compose v2 refuses or ignores (name, develop, version)', () => {
    expect(Object.keys(compose).sort()).toEqual(['networks', 'secrets', 'services', 'volumes', 'x-app', 'x-hardening']);
  });

  it('runs PostgreSQL and the three services, each app from the one image with its own command', () => {
    expect(Object.keys(services).sort()).toEqual(['auth', 'inventory', 'orders', 'postgres']);
    expect(services['postgres']!.image).toMatch(/^postgres:1[56]\b/);
    for (const app of APPS) {
      expect(services[app]!.image).toBe('service-trust:local');
      expect(services[app]!.command).toEqual(['node', `apps/${app}/dist/main.js`]);
    }
  });

  it('creates a database per service with an init script that exists', () => {
    const mount = services['postgres']!.volumes!.find((v) => v.includes('/docker-entrypoint-initdb.d'));
    expect(mount).toMatch(/^\.\/deploy\/compose\/initdb:\/docker-entrypoint-initdb\.d:ro$/);
    const script = read('deploy/compose/initdb/10-service-databases.sh');
    expect(script).toContain('CREATE DATABASE');
    expect(script).toMatch(/SERVICE_DATABASES:-auth orders inventory/);
    for (const app of APPS) {
      expect(secretNames(services['postgres']!)).toContain(`${app}_db_password`);
    }
  });

  it('gives every service a healthcheck, and starts each after what it needs is healthy', () => {
    for (const name of Object.keys(services)) expect(services[name]!.healthcheck?.test?.length).toBeGreaterThan(1);
    for (const app of APPS) expect(services[app]!.healthcheck!.test!.join(' ')).toContain('/health/ready');
    const needs = { auth: ['postgres'], inventory: ['postgres', 'auth'], orders: ['postgres', 'auth', 'inventory'] };
    for (const [app, deps] of Object.entries(needs)) {
      expect(Object.keys(services[app]!.depends_on ?? {}).sort()).toEqual([...deps].sort());
      for (const dep of deps) expect(services[app]!.depends_on![dep]!.condition).toBe('service_healthy');
    }
  });

  it('gives secrets as files only, read through *_FILE variables', () => {
    for (const [name, secret] of Object.entries(compose.secrets)) {
      expect({ name, keys: Object.keys(secret) }).toEqual({ name, keys: ['file'] });
      expect(secret.file).toMatch(/^\.\/\.secrets\/[a-z0-9.-]+$/);
    }
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (SECRET_LOOKING.test(variable)) throw new Error(`${name}: ${variable} is given inline; give ${variable}_FILE`);
        if (variable.endsWith('_FILE') && value.startsWith('/run/secrets/')) {
          expect(secretNames(service)).toContain(value.slice('/run/secrets/'.length));
        }
      }
    }
    expect(read('docker-compose.yml')).not.toMatch(/postgres:\/\/[^@\s]*:[^@\s]*@/);
  });

  it('has one issuer identity: AUTH_ISSUER is the same everywhere and is where auth is published', () => {
    const issuers = new Set(APPS.map((app) => interpolate(services[app]!.environment!['AUTH_ISSUER']!)));
    expect([...issuers]).toEqual(['http://localhost:3000']);
    expect(services['auth']!.ports).toEqual(['127.0.0.1:3000:3000']);
    for (const app of ['orders', 'inventory']) {
      const env = services[app]!.environment!;
      expect(env['AUTH_JWKS_URI']).toBe('http://auth:3000/.well-known/jwks.json');
      expect(env['AUTH_TOKEN_URL']).toBe('http://auth:3000/oauth/token');
    }
    expect(services['orders']!.environment!['INVENTORY_URL']).toBe('http://inventory:3002');
  });

  it('keeps inventory (and the database) on the internal network only, unpublished', () => {
    expect(compose.networks['internal']).toEqual({ internal: true });
    expect(compose.networks['public']?.internal).toBeFalsy();
    for (const name of ['inventory', 'postgres']) {
      expect(networksOf(services[name]!)).toEqual(['internal']);
      expect(services[name]!.ports).toBeUndefined();
    }
    expect(networksOf(services['orders']!).sort()).toEqual(['internal', 'public']);
    expect(networksOf(services['auth']!).sort()).toEqual(['internal', 'public']);
  });

  it('can scale orders: a host port range, no container_name, no fixed host port', () => {
    expect(services['orders']!.ports).toEqual(['127.0.0.1:3001-3009:3001']);
    for (const service of Object.values(services)) expect(service.container_name).toBeUndefined();
  });

  it('hardens every container: read-only, no capabilities, no-new-privileges, non-root, memory limit', () => {
    for (const [name, s] of Object.entries(services)) {
      expect({ name, read_only: s.read_only }).toEqual({ name, read_only: true });
      expect({ name, cap_drop: s.cap_drop }).toEqual({ name, cap_drop: ['ALL'] });
      expect({ name, cap_add: s.cap_add }).toEqual({ name, cap_add: undefined });
      expect({ name, security_opt: s.security_opt }).toEqual({ name, security_opt: ['no-new-privileges:true'] });
      expect(s.user).toMatch(/^(node|postgres)$/);
      expect(s.mem_limit).toMatch(/^\d+m$/);
      expect(s.tmpfs).toContain('/tmp:size=16m,mode=1777');
      expect(s.privileged).toBeUndefined();
      expect(s.network_mode).toBeUndefined();
    }
  });

  it('mounts only files that exist in the repository or that compose:secrets generates', () => {
    expect(existsSync(resolve(ROOT, 'Dockerfile'))).toBe(true);
    expect(existsSync(resolve(ROOT, 'deploy/compose/initdb/10-service-databases.sh'))).toBe(true);
  });
});
