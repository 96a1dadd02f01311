import { ConfigError } from '@service-trust/service-kit';
import { loadOrdersConfig } from './orders.config';

const valid = { DATABASE_URL: 'postgres://db/orders', SERVICE_CLIENT_ID: 'orders-service', SERVICE_CLIENT_SECRET: 's3cret' };

describe('loadOrdersConfig', () => {
  it('applies the defaults: port 3001, inventory at localhost:3002, auth URLs derived from the issuer', () => {
    expect(loadOrdersConfig(valid)).toEqual({
      production: false,
      port: 3001,
      databaseUrl: 'postgres://db/orders',
      inventoryUrl: 'http://localhost:3002',
      reconcile: { intervalMs: 60_000, afterMs: 30_000 },
      auth: { issuer: 'http://localhost:3000', jwksUri: 'http://localhost:3000/.well-known/jwks.json', tokenUrl: 'http://localhost:3000/oauth/token' },
      client: { clientId: 'orders-service', clientSecret: 's3cret' },
    });
  });

  it('reads the reconciler settings (0 turns the periodic run off)', () => {
    expect(loadOrdersConfig({ ...valid, RECONCILE_INTERVAL_MS: '0', RECONCILE_AFTER_MS: '5000' }).reconcile).toEqual({ intervalMs: 0, afterMs: 5000 });
  });

  it('takes INVENTORY_URL without its trailing slash', () => {
    expect(loadOrdersConfig({ ...valid, INVENTORY_URL: 'http://inventory:3002/' }).inventoryUrl).toBe('http://inventory:3002');
  });

  it.each([
    ['INVENTORY_URL', { ...valid, INVENTORY_URL: 'inventory:3002' }],
    ['SERVICE_CLIENT_SECRET', { ...valid, SERVICE_CLIENT_SECRET: undefined }],
    ['DATABASE_URL', { ...valid, DATABASE_URL: undefined }],
    ['AUTH_TOKEN_URL', { ...valid, AUTH_TOKEN_URL: '/oauth/token' }],
    ['RECONCILE_INTERVAL_MS', { ...valid, RECONCILE_INTERVAL_MS: 'often' }],
    ['RECONCILE_AFTER_MS', { ...valid, RECONCILE_AFTER_MS: '-1' }],
  ])('stops with a ConfigError naming %s', (variable, env) => {
    expect(() => loadOrdersConfig(env)).toThrow(ConfigError);
    expect(() => loadOrdersConfig(env)).toThrow(new RegExp(`\\b${variable}: `));
  });

  it('refuses a secret given both directly and as a file', () => {
    expect(() => loadOrdersConfig({ ...valid, SERVICE_CLIENT_SECRET_FILE: '/run/secrets/x' })).toThrow(/SERVICE_CLIENT_SECRET: Set either/);
  });
});
