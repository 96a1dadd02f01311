import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@service-trust/service-kit';
import { loadInventoryConfig } from './inventory.config';

const valid = { DATABASE_URL: 'postgres://db/inventory', SERVICE_CLIENT_ID: 'inventory-service', SERVICE_CLIENT_SECRET: 's3cret' };

describe('loadInventoryConfig', () => {
  it('applies the defaults: port 3002, issuer localhost:3000, JWKS and token URLs derived from the issuer', () => {
    expect(loadInventoryConfig(valid)).toEqual({
      production: false,
      port: 3002,
      databaseUrl: 'postgres://db/inventory',
      auth: { issuer: 'http://localhost:3000', jwksUri: 'http://localhost:3000/.well-known/jwks.json', tokenUrl: 'http://localhost:3000/oauth/token' },
      client: { clientId: 'inventory-service', clientSecret: 's3cret' },
    });
  });

  it('derives from AUTH_ISSUER (trailing slash dropped) unless the URLs are given', () => {
    const config = loadInventoryConfig({ ...valid, AUTH_ISSUER: 'https://auth.example/', AUTH_TOKEN_URL: 'https://tokens.example/t', PORT: '4000', NODE_ENV: 'production' });
    expect(config).toMatchObject({
      production: true,
      port: 4000,
      auth: { issuer: 'https://auth.example', jwksUri: 'https://auth.example/.well-known/jwks.json', tokenUrl: 'https://tokens.example/t' },
    });
  });

  it('passes the JWKS cache settings to the guard when given, and refuses nonsense naming the variable', () => {
    const config = loadInventoryConfig({ ...valid, AUTH_JWKS_CACHE_MAX_AGE_SECONDS: '60', AUTH_JWKS_REFETCH_COOLDOWN_SECONDS: '5' });
    expect(config.auth).toMatchObject({ jwksCacheMaxAgeSeconds: 60, jwksRefetchCooldownSeconds: 5 });
    expect(loadInventoryConfig(valid).auth.jwksCacheMaxAgeSeconds).toBeUndefined();
    expect(() => loadInventoryConfig({ ...valid, AUTH_JWKS_CACHE_MAX_AGE_SECONDS: 'soon' })).toThrow(/AUTH_JWKS_CACHE_MAX_AGE_SECONDS/);
    expect(() => loadInventoryConfig({ ...valid, AUTH_JWKS_REFETCH_COOLDOWN_SECONDS: '0' })).toThrow(/AUTH_JWKS_REFETCH_COOLDOWN_SECONDS/);
  });

  it('reads secrets from NAME_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inventory-config-'));
    writeFileSync(join(dir, 'secret'), 'from-file\n');
    writeFileSync(join(dir, 'db'), 'postgresql://file/db\n');
    const { SERVICE_CLIENT_ID } = valid;
    const config = loadInventoryConfig({ SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET_FILE: join(dir, 'secret'), DATABASE_URL_FILE: join(dir, 'db') });
    expect(config.client.clientSecret).toBe('from-file');
    expect(config.databaseUrl).toBe('postgresql://file/db');
  });

  it.each([
    ['DATABASE_URL', { ...valid, DATABASE_URL: undefined }],
    ['DATABASE_URL', { ...valid, DATABASE_URL: 'mysql://db' }],
    ['SERVICE_CLIENT_ID', { ...valid, SERVICE_CLIENT_ID: undefined }],
    ['SERVICE_CLIENT_SECRET', { ...valid, SERVICE_CLIENT_SECRET: '' }],
    ['PORT', { ...valid, PORT: 'eighty' }],
    ['PORT', { ...valid, PORT: '70000' }],
    ['AUTH_ISSUER', { ...valid, AUTH_ISSUER: 'not a url' }],
    ['AUTH_JWKS_URI', { ...valid, AUTH_JWKS_URI: 'ftp://keys' }],
  ])('stops with a ConfigError naming %s', (variable, env) => {
    expect(() => loadInventoryConfig(env)).toThrow(ConfigError);
    expect(() => loadInventoryConfig(env)).toThrow(new RegExp(`\\b${variable}: `));
  });

  it('never echoes a secret in its message', () => {
    const env = { ...valid, DATABASE_URL: 'mysql://user:hunter2@db' };
    expect(() => loadInventoryConfig(env)).not.toThrow(/hunter2/);
  });
});
