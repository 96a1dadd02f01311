import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createTestDatabase } from '@service-trust/service-kit/testing';
import { type AuthTestApp, postForm, startAuthTestApp } from '../src/testing/auth-test-app';

// The real app on an ephemeral port against real PostgreSQL; tokens verified with jose
// against the published JWKS, never with the code that signed them.
describe('POST /oauth/token', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let auth: AuthTestApp;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  const token = (form: Record<string, string>, headers: Record<string, string> = {}) => postForm(`${auth.baseUrl}/oauth/token`, form, headers);
  const secretOf = (id: string) => auth.identities.clients.find((c) => c.client_id === id)!.client_secret;
  const verify = (jwt: string, audience: string) => jwtVerify(jwt, jwks, { issuer: auth.baseUrl, audience, typ: 'at+jwt' });

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    auth = await startAuthTestApp(db.url);
    jwks = createRemoteJWKSet(new URL(`${auth.baseUrl}/.well-known/jwks.json`));
  });
  afterAll(async () => {
    await auth?.close();
    await db?.drop();
  });

  describe('client_credentials', () => {
    it('issues an RFC 9068 access token for the named audience, with no refresh token', async () => {
      const res = await token({ grant_type: 'client_credentials', audience: 'inventory' }, { authorization: auth.basic('orders-service') });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'inventory:read inventory:reserve' });
      const { payload, protectedHeader } = await verify(res.body['access_token'] as string, 'inventory');
      expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
      expect(payload).toEqual({
        iss: auth.baseUrl,
        sub: 'orders-service',
        aud: 'inventory',
        client_id: 'orders-service',
        scope: 'inventory:read inventory:reserve',
        iat: expect.any(Number),
        exp: (payload.iat as number) + 300,
        jti: expect.any(String),
      });
    });

    it('accepts client_secret_post and narrows to the scope asked for', async () => {
      const res = await token({ grant_type: 'client_credentials', audience: 'inventory', scope: 'inventory:read', client_id: 'orders-service', client_secret: secretOf('orders-service') });
      expect(res.status).toBe(200);
      expect(res.body['scope']).toBe('inventory:read');
      expect((await verify(res.body['access_token'] as string, 'inventory')).payload['scope']).toBe('inventory:read');
    });

    it('defaults the audience when the client has exactly one', async () => {
      const res = await token({ grant_type: 'client_credentials' }, { authorization: auth.basic('ops-cli') });
      expect(res.status).toBe(200);
      expect((await verify(res.body['access_token'] as string, 'auth')).payload['scope']).toBe('keys:rotate');
    });

    it('gives each token a distinct jti', async () => {
      const [a, b] = await Promise.all([0, 1].map(() => token({ grant_type: 'client_credentials', audience: 'inventory' }, { authorization: auth.basic('orders-service') })));
      const jtis = await Promise.all([a, b].map(async (r) => (await verify(r.body['access_token'] as string, 'inventory')).payload.jti));
      expect(new Set(jtis).size).toBe(2);
    });
  });

  describe('errors (RFC 6749 §5.2)', () => {
    const basic = () => ({ authorization: auth.basic('orders-service') });
    it.each([
      ['a wrong secret', { grant_type: 'client_credentials', audience: 'inventory', client_id: 'orders-service', client_secret: 'not-the-secret' }, {}],
      ['an unknown client', { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'whatever-secret' }, {}],
      ['no client authentication', { grant_type: 'client_credentials', audience: 'inventory' }, {}],
      ['a malformed Basic header', { grant_type: 'client_credentials' }, { authorization: 'Basic %%%' }],
      ['a Bearer header instead of Basic', { grant_type: 'client_credentials' }, { authorization: 'Bearer abc' }],
    ])('401 invalid_client with a Basic challenge for %s', async (_case, form, headers) => {
      const res = await token(form, headers);
      expect(res.status).toBe(401);
      expect(res.body['error']).toBe('invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="auth"/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it.each([
      ['missing grant_type', { audience: 'inventory' }, 'invalid_request'],
      ['an unsupported grant', { grant_type: 'password', username: 'a', password: 'b' }, 'unsupported_grant_type'],
      ['refresh_token at the token endpoint', { grant_type: 'refresh_token', refresh_token: 'x' }, 'unsupported_grant_type'],
      ['an audience the client may not have', { grant_type: 'client_credentials', audience: 'orders' }, 'invalid_target'],
      ['an unknown audience', { grant_type: 'client_credentials', audience: 'payments' }, 'invalid_target'],
      ['a scope the client may not have', { grant_type: 'client_credentials', audience: 'inventory', scope: 'orders:write' }, 'invalid_scope'],
      ['a malformed scope', { grant_type: 'client_credentials', audience: 'inventory', scope: 'inventory:read  "x' }, 'invalid_scope'],
    ])('400 for %s', async (_case, form, error) => {
      const res = await token(form, basic());
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error, error_description: expect.any(String) });
    });

    it('400 invalid_request when a parameter is repeated', async () => {
      const res = await fetch(`${auth.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic() },
        body: 'grant_type=client_credentials&audience=inventory&audience=orders',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('400 invalid_request for a JSON body', async () => {
      const res = await fetch(`${auth.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...basic() },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('400 when two client authentication methods are used at once', async () => {
      const res = await token({ grant_type: 'client_credentials', client_id: 'orders-service', client_secret: secretOf('orders-service') }, basic());
      expect(res.status).toBe(400);
      expect(res.body['error']).toBe('invalid_request');
    });

    it('4xx, never 5xx, for a body that is not a form at all', async () => {
      for (const [type, body] of [['application/x-www-form-urlencoded', '%%%&&&=='], ['text/plain', 'hello'], ['application/json', '{']]) {
        const res = await fetch(`${auth.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': type, ...basic() }, body });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
    });
  });

  it('signs with the kid published in the JWKS', async () => {
    const res = await token({ grant_type: 'client_credentials', audience: 'inventory' }, { authorization: auth.basic('orders-service') });
    const { kid } = decodeProtectedHeader(res.body['access_token'] as string);
    const published = (await (await fetch(`${auth.baseUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).toContain(kid);
  });
});
