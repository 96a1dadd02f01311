import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createTestDatabase } from '@service-trust/service-kit/testing';
import { type AuthTestApp, postForm, postJson, startAuthTestApp } from '../src/testing/auth-test-app';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';

describe('token exchange (RFC 8693)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let auth: AuthTestApp;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let aliceToken: string;

  const passwordOf = (name: string) => auth.identities.users.find((u) => u.username === name)!.password;
  const login = async (name: string) => (await postJson(`${auth.baseUrl}/auth/login`, { username: name, password: passwordOf(name) })).body['access_token'] as string;
  const exchange = (client: string, form: Record<string, string>) =>
    postForm(`${auth.baseUrl}/oauth/token`, { grant_type: EXCHANGE, subject_token_type: ACCESS, ...form }, { authorization: auth.basic(client) });

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    auth = await startAuthTestApp(db.url);
    jwks = createRemoteJWKSet(new URL(`${auth.baseUrl}/.well-known/jwks.json`));
    aliceToken = await login('alice');
  });
  afterAll(async () => {
    await auth?.close();
    await db?.drop();
  });

  it('binds the user token to the target audience, with act = the calling client', async () => {
    const res = await exchange('orders-service', { subject_token: aliceToken, audience: 'inventory' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      issued_token_type: ACCESS,
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scope: 'inventory:read inventory:reserve',
    });
    expect(res.body).not.toHaveProperty('refresh_token');
    const subject = decodeJwt(aliceToken);
    const { payload } = await jwtVerify(res.body['access_token'] as string, jwks, { issuer: auth.baseUrl, audience: 'inventory', typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: subject.sub, aud: 'inventory', client_id: 'orders-service', act: { sub: 'orders-service' }, roles: ['customer'] });
    expect(payload.exp!).toBeLessThanOrEqual(subject.exp!);
  });

  it('nests an earlier actor', async () => {
    const first = await exchange('orders-service', { subject_token: aliceToken, audience: 'inventory' });
    const second = await exchange('orders-service', { subject_token: first.body['access_token'] as string, audience: 'inventory', scope: 'inventory:read' });
    expect(second.status).toBe(200);
    expect(decodeJwt(second.body['access_token'] as string)['act']).toEqual({ sub: 'orders-service', act: { sub: 'orders-service' } });
  });

  it('grants no scope wider than the user has', async () => {
    const bob = await login('bob'); // bob is entitled to orders:read only
    const res = await exchange('orders-service', { subject_token: bob, audience: 'inventory' });
    expect(res.status).toBe(400);
    expect(res.body['error']).toBe('invalid_scope');
  });

  it.each([
    ['a client that may not exchange', 'inventory-service', () => ({ subject_token: aliceToken, audience: 'orders' }), 400, 'unauthorized_client'],
    ['a target the client may not exchange for', 'orders-service', () => ({ subject_token: aliceToken, audience: 'orders' }), 400, 'invalid_target'],
    ['a forged subject token', 'orders-service', () => ({ subject_token: `${aliceToken.slice(0, -4)}AAAA`, audience: 'inventory' }), 400, 'invalid_grant'],
    ['a subject token that is not a JWT', 'orders-service', () => ({ subject_token: 'garbage', audience: 'inventory' }), 400, 'invalid_grant'],
    ['a missing subject token', 'orders-service', () => ({ audience: 'inventory' }), 400, 'invalid_request'],
    ['a missing audience', 'orders-service', () => ({ subject_token: aliceToken }), 400, 'invalid_request'],
    ['another subject_token_type', 'orders-service', () => ({ subject_token: aliceToken, audience: 'inventory', subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }), 400, 'invalid_request'],
    ['a scope wider than allowed', 'orders-service', () => ({ subject_token: aliceToken, audience: 'inventory', scope: 'inventory:read orders:write' }), 400, 'invalid_scope'],
  ])('refuses %s', async (_case, client, form, status, error) => {
    const res = await exchange(client, form());
    expect(res.status).toBe(status);
    expect(res.body['error']).toBe(error);
  });

  it('refuses a service token as subject (no user behind it)', async () => {
    const service = await postForm(`${auth.baseUrl}/oauth/token`, { grant_type: 'client_credentials', audience: 'inventory' }, { authorization: auth.basic('orders-service') });
    const res = await exchange('orders-service', { subject_token: service.body['access_token'] as string, audience: 'inventory' });
    expect(res.status).toBe(400);
    expect(res.body['error']).toBe('invalid_grant');
  });

  it('refuses a revoked subject token, and introspection reports it inactive', async () => {
    const fresh = await login('alice');
    // The login client is first-party; revocation by the token's own client is shown with an exchanged token.
    const exchanged = (await exchange('orders-service', { subject_token: fresh, audience: 'inventory' })).body['access_token'] as string;
    const revoke = await postForm(`${auth.baseUrl}/oauth/revoke`, { token: exchanged }, { authorization: auth.basic('orders-service') });
    expect(revoke.status).toBe(200);
    const introspection = await postForm(`${auth.baseUrl}/oauth/introspect`, { token: exchanged }, { authorization: auth.basic('orders-service') });
    expect(introspection.body).toEqual({ active: false });
    const again = await exchange('orders-service', { subject_token: exchanged, audience: 'inventory' });
    expect(again.body['error']).toBe('invalid_grant');
  });
});
