import { join } from 'node:path';
import { startServiceProcess } from '@service-trust/service-kit/testing';

const MAIN = join(__dirname, '../dist/main.js');
const VALID = { DATABASE_URL: 'postgres://127.0.0.1:1/none', SERVICE_CLIENT_ID: 'inventory-service', SERVICE_CLIENT_SECRET: 'x' };

describe('the inventory process', () => {
  it.each([
    ['DATABASE_URL', { ...VALID, DATABASE_URL: 'mysql://db' }],
    ['SERVICE_CLIENT_SECRET', { DATABASE_URL: VALID.DATABASE_URL, SERVICE_CLIENT_ID: VALID.SERVICE_CLIENT_ID }],
    ['AUTH_ISSUER', { ...VALID, AUTH_ISSUER: 'not a url' }],
    ['LOG_LEVEL', { ...VALID, LOG_LEVEL: 'loud' }],
  ])('refuses to start on an invalid %s, naming it, without a stack trace', async (variable, env) => {
    const service = startServiceProcess(MAIN, env);
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain(`${variable}: `);
    expect(service.output()).not.toMatch(/\n\s+at /);
  });
});
