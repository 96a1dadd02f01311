import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createTestDatabase } from '@service-trust/service-kit/testing';
import { type AuthTestApp, postJson, startAuthTestApp } from '../src/testing/auth-test-app';

describe('first-party sessions: /auth/login, /auth/refresh, /auth/logout', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let auth: AuthTestApp;
  const passwordOf = (name: string) => auth.identities.users.find((u) => u.username === name)!.password;
  const login = (username: string, password: string) => postJson(`${auth.baseUrl}/auth/login`, { username, password });
  const refresh = (refresh_token: string) => postJson(`${auth.baseUrl}/auth/refresh`, { refresh_token });

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    auth = await startAuthTestApp(db.url);
  });
  afterAll(async () => {
    await auth?.close();
    await db?.drop();
  });

  it('logs in with a user token for audience orders and an opaque refresh token', async () => {
    const res = await login('alice', passwordOf('alice'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, refresh_token: expect.any(String), scope: 'orders:read orders:write' });
    expect(res.body['refresh_token']).not.toContain('.');
    const jwks = createRemoteJWKSet(new URL(`${auth.baseUrl}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(res.body['access_token'] as string, jwks, { issuer: auth.baseUrl, audience: 'orders', typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: expect.stringMatching(/^[0-9a-f-]{36}$/), client_id: 'orders-web', roles: ['customer'], scope: 'orders:read orders:write' });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('answers an unknown user and a wrong password alike', async () => {
    const unknown = await login('mallory', 'whatever-password');
    const wrong = await login('alice', 'not-her-password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body).toEqual({ error: 'invalid_credentials', error_description: 'Invalid username or password.' });
  });

  it.each([
    [{ password: 'x' }, 'username'],
    [{ username: 'alice' }, 'password'],
    [{ username: 42, password: 'x' }, 'username'],
    [{ username: '', password: 'x' }, 'username'],
  ])('400 naming the field for %j', async (body, field) => {
    const res = await postJson(`${auth.baseUrl}/auth/login`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', field });
  });

  it('400, not 500, for a body that is not JSON', async () => {
    for (const body of ['{', 'null', '[]', '"string"']) {
      const res = await postJson(`${auth.baseUrl}/auth/login`, body);
      expect(res.status).toBe(400);
    }
  });

  it('rotates refresh tokens: each is single-use', async () => {
    const first = (await login('alice', passwordOf('alice'))).body['refresh_token'] as string;
    const second = await refresh(first);
    expect(second.status).toBe(200);
    expect(second.body['refresh_token']).not.toBe(first);
    expect(second.body['access_token']).toEqual(expect.any(String));
    const third = await refresh(second.body['refresh_token'] as string);
    expect(third.status).toBe(200);
  });

  it('revokes the whole family when a spent refresh token is presented again', async () => {
    const first = (await login('alice', passwordOf('alice'))).body['refresh_token'] as string;
    const second = (await refresh(first)).body['refresh_token'] as string;
    const reuse = await refresh(first);
    expect(reuse.status).toBe(400);
    expect(reuse.body['error']).toBe('invalid_grant');
    // The legitimate successor dies with the family: an attacker and the user are both logged out.
    const successor = await refresh(second);
    expect(successor.status).toBe(400);
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const first = (await login('alice', passwordOf('alice'))).body['refresh_token'] as string;
    const results = await Promise.all([refresh(first), refresh(first)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('logout revokes the family', async () => {
    const first = (await login('alice', passwordOf('alice'))).body['refresh_token'] as string;
    const logout = await postJson(`${auth.baseUrl}/auth/logout`, { refresh_token: first });
    expect(logout.status).toBe(204);
    expect((await refresh(first)).status).toBe(400);
  });

  it('refuses unknown refresh tokens and bad bodies', async () => {
    expect((await refresh('no-such-token')).body).toMatchObject({ error: 'invalid_grant' });
    const res = await postJson(`${auth.baseUrl}/auth/refresh`, {});
    expect(res.status).toBe(400);
    expect(res.body['field']).toBe('refresh_token');
  });
});
