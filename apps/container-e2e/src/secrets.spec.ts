/** `npm run compose:secrets` (tools/compose/secrets.mjs): what compose mounts, idempotent. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadCompose, read, run } from './support/repo';

const script = 'tools/compose/secrets.mjs';

describe('compose secrets bootstrap', () => {
  let dir: string;
  const generate = (...args: string[]) => run(process.execPath, [script, '--dir', dir, ...args], { env: { ...process.env, NODE_OPTIONS: '' } });
  const content = () => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'st-secrets-')), 'secrets');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('writes every file the compose file mounts, in a private folder', () => {
    expect(generate()).toMatchObject({ status: 0 });
    const files = Object.values(loadCompose().secrets).map((s) => basename(s.file!));
    expect(readdirSync(dir).sort()).toEqual([...files].sort());
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const file of files) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o644);
  });

  it('is consistent: URLs carry the passwords, identities carry the services’ client secrets', () => {
    generate();
    const s = content();
    const value = (name: string) => s[name]!.trim();
    for (const app of ['auth', 'orders', 'inventory']) {
      expect(value(`${app}-database-url`)).toBe(`postgres://${app}:${value(`${app}-db-password`)}@postgres:5432/${app}`);
    }
    expect(value('auth-key-encryption-key').length).toBeGreaterThanOrEqual(32);
    const identities = JSON.parse(s['demo-identities.json']!);
    const template = JSON.parse(read('config/demo-identities.json'));
    // Same shape and the same identities as config/demo-identities.json; none of its values.
    expect(identities.users.map((u: { username: string }) => u.username)).toEqual(template.users.map((u: { username: string }) => u.username));
    expect(identities.clients.map((c: { client_id: string }) => c.client_id)).toEqual(template.clients.map((c: { client_id: string }) => c.client_id));
    const byId = (id: string) => identities.clients.find((c: { client_id: string }) => c.client_id === id).client_secret;
    expect(byId('orders-service')).toBe(value('orders-client-secret'));
    expect(byId('inventory-service')).toBe(value('inventory-client-secret'));
    const published = JSON.stringify(template);
    for (const secret of [...identities.users.map((u: { password: string }) => u.password), ...identities.clients.map((c: { client_secret: string }) => c.client_secret)]) {
      expect(published).not.toContain(secret);
      expect(secret.length).toBeGreaterThanOrEqual(16);
    }
    // All values differ.
    const values = Object.entries(s).filter(([f]) => !f.endsWith('-database-url') && !f.endsWith('.json')).map(([, v]) => v);
    expect(new Set(values).size).toBe(values.length);
  });

  it('keeps existing files; --force regenerates them', () => {
    generate();
    const first = content();
    const again = generate();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('kept');
    expect(content()).toEqual(first);
    rmSync(join(dir, 'postgres-password'));
    generate();
    const refilled = content();
    expect(refilled['auth-key-encryption-key']).toBe(first['auth-key-encryption-key']);
    expect(refilled['postgres-password']).not.toBe(first['postgres-password']);
    expect(generate('--force')).toMatchObject({ status: 0 });
    expect(content()['auth-key-encryption-key']).not.toBe(first['auth-key-encryption-key']);
  });

  it('refuses an inconsistent folder instead of overwriting it', () => {
    generate();
    writeFileSync(join(dir, 'orders-client-secret'), 'something-else-entirely\n');
    const result = generate();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/orders-service.*--force/);
  });
});
