import { ConfigError } from '@service-trust/service-kit';
import { loadAuthConfig } from '../src/config/auth.config';

const base = { DATABASE_URL: 'postgres://localhost/x', AUTH_KEY_ENCRYPTION_KEY: 'k'.repeat(43) };

describe('auth configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadAuthConfig(base);
    expect(config).toMatchObject({
      port: 3000,
      issuer: 'http://localhost:3000',
      signing: { alg: 'RS256', prepublishSeconds: 600, retentionSeconds: 1200 },
      ttl: { user: 900, service: 300 },
      demoIdentitiesFile: 'config/demo-identities.json',
      production: false,
    });
  });

  it.each([
    [{ DATABASE_URL: undefined }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ AUTH_SIGNING_ALG: 'HS256' }, 'AUTH_SIGNING_ALG'],
    [{ AUTH_ISSUER: 'not a url' }, 'AUTH_ISSUER'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ AUTH_KEY_ENCRYPTION_KEY: undefined }, 'AUTH_KEY_ENCRYPTION_KEY'],
    [{ AUTH_KEY_ENCRYPTION_KEY: 'short' }, 'AUTH_KEY_ENCRYPTION_KEY'],
    [{ AUTH_KEY_RETENTION_SECONDS: '60' }, 'AUTH_KEY_RETENTION_SECONDS'],
  ])('refuses %j with a message naming %s', (override, name) => {
    expect(() => loadAuthConfig({ ...base, ...override })).toThrow(ConfigError);
    expect(() => loadAuthConfig({ ...base, ...override })).toThrow(name);
  });

  it('strips a trailing slash from the issuer', () => {
    expect(loadAuthConfig({ ...base, AUTH_ISSUER: 'https://auth.example.com/' }).issuer).toBe('https://auth.example.com');
  });
});
