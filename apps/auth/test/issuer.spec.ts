import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createTestDatabase } from '@service-trust/service-kit/testing';
import { type AuthTestApp, postForm, postJson, startAuthTestApp } from '../src/testing/auth-test-app';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

describe('the issuer: discovery, JWKS, introspection, revocation, rotation, health', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let auth: AuthTestApp;
  const clientToken = async (client: string, audience: string) =>
    (await postForm(`${auth.baseUrl}/oauth/token`, { grant_type: 'client_credentials', audience }, { authorization: auth.basic(client) })).body['access_token'] as string;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    auth = await startAuthTestApp(db.url);
  });
  afterAll(async () => {
    await auth?.close();
    await db?.drop();
  });

  it('publishes RFC 8414 metadata at both well-known paths', async () => {
    for (const path of ['openid-configuration', 'oauth-authorization-server']) {
      const meta = (await (await fetch(`${auth.baseUrl}/.well-known/${path}`)).json()) as Record<string, unknown>;
      expect(meta).toMatchObject({
        issuer: auth.baseUrl,
        jwks_uri: `${auth.baseUrl}/.well-known/jwks.json`,
        token_endpoint: `${auth.baseUrl}/oauth/token`,
        introspection_endpoint: `${auth.baseUrl}/oauth/introspect`,
        revocation_endpoint: `${auth.baseUrl}/oauth/revoke`,
        grant_types_supported: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      });
      expect(meta['scopes_supported']).toEqual(expect.arrayContaining(['orders:read', 'orders:write', 'inventory:read', 'inventory:reserve', 'keys:rotate']));
    }
  });

  it('publishes public signing keys only', async () => {
    const { keys } = (await (await fetch(`${auth.baseUrl}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kid: expect.any(String), alg: 'RS256', use: 'sig', kty: 'RSA' });
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
  });

  it('works with a standard OAuth client library, unmodified (openid-client)', async () => {
    const client = auth.identities.clients.find((c) => c.client_id === 'orders-service')!;
    const config = await oidc.discovery(new URL(auth.baseUrl), client.client_id, client.client_secret, oidc.ClientSecretBasic(client.client_secret), {
      execute: [oidc.allowInsecureRequests], // the test issuer is plain http on loopback
    });
    const tokens = await oidc.clientCredentialsGrant(config, { audience: 'inventory', scope: 'inventory:read' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.refresh_token).toBeUndefined();
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: auth.baseUrl, audience: 'inventory', typ: 'at+jwt' });
    expect(payload['scope']).toBe('inventory:read');
    const introspection = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(introspection).toMatchObject({ active: true, client_id: 'orders-service', aud: 'inventory' });
  });

  describe('introspection (RFC 7662)', () => {
    const introspect = (token: string, headers = { authorization: auth.basic('inventory-service') }) => postForm(`${auth.baseUrl}/oauth/introspect`, { token }, headers);

    it('describes a live access token', async () => {
      const token = await clientToken('orders-service', 'inventory');
      const res = await introspect(token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ active: true, token_type: 'Bearer', sub: 'orders-service', client_id: 'orders-service', aud: 'inventory', scope: 'inventory:read inventory:reserve', iss: auth.baseUrl });
    });

    it('describes a live refresh token', async () => {
      const password = auth.identities.users.find((u) => u.username === 'alice')!.password;
      const login = await postJson(`${auth.baseUrl}/auth/login`, { username: 'alice', password });
      const res = await postForm(`${auth.baseUrl}/oauth/introspect`, { token: login.body['refresh_token'] as string, token_type_hint: 'refresh_token' }, { authorization: auth.basic('inventory-service') });
      expect(res.body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'orders-web' });
    });

    it.each(['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'])('answers {active:false} for %s', async (token) => {
      const res = await introspect(token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    });

    it('needs client authentication', async () => {
      const res = await introspect('whatever', { authorization: 'Basic ' + Buffer.from('orders-service:wrong').toString('base64') });
      expect(res.status).toBe(401);
      expect(res.body['error']).toBe('invalid_client');
    });

    it('400 when the token parameter is missing', async () => {
      const res = await postForm(`${auth.baseUrl}/oauth/introspect`, {}, { authorization: auth.basic('inventory-service') });
      expect(res.status).toBe(400);
      expect(res.body['error']).toBe('invalid_request');
    });
  });

  describe('revocation (RFC 7009)', () => {
    it('revokes an access token of the same client', async () => {
      const token = await clientToken('orders-service', 'inventory');
      const res = await postForm(`${auth.baseUrl}/oauth/revoke`, { token, token_type_hint: 'access_token' }, { authorization: auth.basic('orders-service') });
      expect(res.status).toBe(200);
      const check = await postForm(`${auth.baseUrl}/oauth/introspect`, { token }, { authorization: auth.basic('orders-service') });
      expect(check.body).toEqual({ active: false });
    });

    it("refuses to revoke another client's token", async () => {
      const token = await clientToken('orders-service', 'inventory');
      const res = await postForm(`${auth.baseUrl}/oauth/revoke`, { token }, { authorization: auth.basic('inventory-service') });
      expect(res.status).toBe(400);
      expect(res.body['error']).toBe('unauthorized_client');
    });

    it('answers 200 for an unknown token, 400 for an unknown hint', async () => {
      expect((await postForm(`${auth.baseUrl}/oauth/revoke`, { token: 'nothing' }, { authorization: auth.basic('orders-service') })).status).toBe(200);
      const hint = await postForm(`${auth.baseUrl}/oauth/revoke`, { token: 'x', token_type_hint: 'id_token' }, { authorization: auth.basic('orders-service') });
      expect(hint.status).toBe(400);
      expect(hint.body['error']).toBe('unsupported_token_type');
    });
  });

  describe('POST /admin/keys/rotate', () => {
    const rotate = (authorization?: string) => fetch(`${auth.baseUrl}/admin/keys/rotate`, { method: 'POST', headers: authorization ? { authorization } : {} });

    it('401 with a bare Bearer challenge without a token', async () => {
      const res = await rotate();
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="auth"');
    });

    it('401 invalid_token for a token of another audience', async () => {
      const res = await rotate(`Bearer ${await clientToken('orders-service', 'inventory')}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('publishes the next key first, and keeps signing with the current one', async () => {
      const before = (await (await fetch(`${auth.baseUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      const res = await rotate(`Bearer ${await clientToken('ops-cli', 'auth')}`);
      expect(res.status).toBe(202);
      const plan = (await res.json()) as { current: { kid: string }; next: { kid: string; activatesAt: string } };
      expect(Date.parse(plan.next.activatesAt)).toBeGreaterThan(Date.now() + 60_000);
      const after = (await (await fetch(`${auth.baseUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      expect(after.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([...before.keys.map((k) => k.kid), plan.next.kid]));
      const token = await clientToken('orders-service', 'inventory');
      const { kid } = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string };
      expect(kid).toBe(plan.current.kid);
    });
  });

  it('answers liveness and readiness', async () => {
    expect((await fetch(`${auth.baseUrl}/health/live`)).status).toBe(200);
    const ready = await fetch(`${auth.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'up', keys: 'up' } });
  });

  it('404s unknown routes with JSON, not a stack', async () => {
    const res = await fetch(`${auth.baseUrl}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/at .*\.js:\d+/);
  });
});
