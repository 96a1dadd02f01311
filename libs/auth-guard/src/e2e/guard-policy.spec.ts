import { TestIssuer } from '../testing';
import { calls, probe, startGuardedApp, type AdapterName, type GuardedApp } from './guarded-app.fixture';

describe.each<AdapterName>(['express', 'fastify'])('guard policy on %s', (adapter) => {
  let issuer: TestIssuer;
  let app: GuardedApp;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory', alg: 'EdDSA' });
    app = await startGuardedApp(adapter, { issuer: issuer.issuer, audience: 'inventory' });
  });
  afterAll(async () => {
    await app.close();
    await issuer.stop();
  });
  beforeEach(() => {
    calls.length = 0;
  });

  it('serves @Public() routes without a token', async () => {
    const res = await probe(app.port, '/public');
    expect(res.status).toBe(200);
    expect(calls).toEqual(['public']);
  });

  it('gives the handler a typed, frozen principal (EdDSA token)', async () => {
    const token = await issuer.mint({ sub: 'user-7', client_id: 'orders', scope: 'a b', roles: ['admin'] });
    const res = await probe(app.port, '/me', auth(token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sub: 'user-7', clientId: 'orders', scopes: ['a', 'b'], roles: ['admin'], audience: 'inventory' });
  });

  it('accepts the scheme in any case (RFC 7235: case-insensitive)', async () => {
    const res = await probe(app.port, '/me', { authorization: `bEaReR ${await issuer.mint()}` });
    expect(res.status).toBe(200);
  });

  it('accepts typ application/at+jwt in any case and aud as an array containing us', async () => {
    const token = await issuer.mint({ aud: ['billing', 'inventory'] }, { typ: 'Application/AT+JWT' });
    expect((await probe(app.port, '/me', auth(token))).status).toBe(200);
  });

  it('rejects a missing scope with 403 insufficient_scope and the needed scopes', async () => {
    const res = await probe(app.port, '/scoped', auth(await issuer.mint({ scope: 'inventory:read' })));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'insufficient_scope' });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="inventory", error="insufficient_scope", error_description="The token lacks a required scope: inventory:read inventory:reserve", scope="inventory:read inventory:reserve"',
    );
    expect(calls).toEqual([]);
  });

  it('lets a token with every required scope through', async () => {
    const res = await probe(app.port, '/scoped', auth(await issuer.mint({ scope: 'inventory:reserve inventory:read' })));
    expect(res.status).toBe(200);
    expect(calls).toEqual(['scoped']);
  });

  it('applies @AllowCallers to client_id', async () => {
    const denied = await probe(app.port, '/callers', auth(await issuer.mint({ client_id: 'billing' })));
    expect(denied.status).toBe(403);
    expect(denied.body['code']).toBe('caller_not_allowed');
    expect(denied.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    const allowed = await probe(app.port, '/callers', auth(await issuer.mint({ client_id: 'orders' })));
    expect(allowed.status).toBe(200);
    expect(calls).toEqual(['callers']);
  });

  it('applies @AllowActors to act.sub of delegated tokens only', async () => {
    const denied = await probe(app.port, '/actors', auth(await issuer.mint({ sub: 'user-1', act: { sub: 'billing' } })));
    expect(denied.status).toBe(403);
    expect(denied.body['code']).toBe('actor_not_allowed');
    const delegated = await probe(app.port, '/actors', auth(await issuer.mint({ sub: 'user-1', act: { sub: 'orders', act: { sub: 'web' } } })));
    expect(delegated.status).toBe(200);
    expect(delegated.body['actor']).toEqual({ sub: 'orders', act: { sub: 'web' } });
    const direct = await probe(app.port, '/actors', auth(await issuer.mint({ sub: 'billing', client_id: 'billing' })));
    expect(direct.status).toBe(200);
  });

  it('rejects before pipes run: a bad token never reaches body validation', async () => {
    const res = await probe(app.port, '/items', auth('not.a.token'), 'POST', { wrong: true });
    expect(res.status).toBe(401);
    expect(calls).toEqual([]);
  });

  it('runs the pipe after a valid token', async () => {
    const res = await probe(app.port, '/items', auth(await issuer.mint()), 'POST', { wrong: true });
    expect(res.status).toBe(400);
    expect(calls).toEqual(['pipe']);
  });
});
