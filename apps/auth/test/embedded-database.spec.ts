import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createTestDatabase } from '@service-trust/service-kit/testing';
import { type AuthTestApp, postForm, postJson, startAuthTestApp } from '../src/testing/auth-test-app';

// The same app against the embedded PostgreSQL-compatible server `npm start` uses.
describe('auth on the embedded database', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let auth: AuthTestApp;

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    auth = await startAuthTestApp(db.url);
  }, 60_000);
  afterAll(async () => {
    await auth?.close();
    await db?.drop();
  });

  it('issues, exchanges, rotates refresh tokens and throttles', async () => {
    const jwks = createRemoteJWKSet(new URL(`${auth.baseUrl}/.well-known/jwks.json`));
    const alice = auth.identities.users.find((u) => u.username === 'alice')!;
    const login = await postJson(`${auth.baseUrl}/auth/login`, { username: 'alice', password: alice.password });
    expect(login.status).toBe(200);
    await jwtVerify(login.body['access_token'] as string, jwks, { issuer: auth.baseUrl, audience: 'orders', typ: 'at+jwt' });

    const exchanged = await postForm(
      `${auth.baseUrl}/oauth/token`,
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: login.body['access_token'] as string,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        audience: 'inventory',
      },
      { authorization: auth.basic('orders-service') },
    );
    expect(exchanged.status).toBe(200);
    const { payload } = await jwtVerify(exchanged.body['access_token'] as string, jwks, { issuer: auth.baseUrl, audience: 'inventory', typ: 'at+jwt' });
    expect(payload['act']).toEqual({ sub: 'orders-service' });

    const refresh = login.body['refresh_token'] as string;
    const results = await Promise.all([0, 1, 2].map(() => postJson(`${auth.baseUrl}/auth/refresh`, { refresh_token: refresh })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
  });
});
