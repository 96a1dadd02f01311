import { TestIssuer } from '../testing';
import { calls, probe, startGuardedApp, type GuardedApp } from './guarded-app.fixture';

describe.each(['express', 'fastify'] as const)('guarded app smoke (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: GuardedApp;
  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory' });
    app = await startGuardedApp(adapter, { issuer: issuer.issuer, audience: 'inventory' });
  });
  afterAll(async () => {
    await app.close();
    await issuer.stop();
  });
  it('accepts a valid token', async () => {
    calls.length = 0;
    const token = await issuer.mint({ sub: 'user-1' });
    const res = await probe(app.port, '/me', { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.body['sub']).toBe('user-1');
    expect(calls).toEqual(['me']);
  });
  it('rejects without token', async () => {
    const res = await probe(app.port, '/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="inventory"');
    expect(res.body['code']).toBe('missing_token');
  });
});
