import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '@service-trust/service-kit/testing';
import { type AuthTestApp, makeTestIdentities, postForm, postJson, startAuthTestApp } from '../src/testing/auth-test-app';

describe('throttling of login and token endpoints', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let replicas: AuthTestApp[];
  const identities = makeTestIdentities();

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    // Two replicas on one database, as behind a load balancer: they share one budget.
    const env = { AUTH_RATE_LIMIT: '4', AUTH_RATE_LIMIT_WINDOW_SECONDS: '3600', AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') };
    replicas = [await startAuthTestApp(db.url, env, identities), await startAuthTestApp(db.url, env, identities)];
  });
  afterAll(async () => {
    await Promise.all(replicas?.map((r) => r.close()) ?? []);
    await db?.drop();
  });

  it('answers 429 with Retry-After once the budget is spent, across replicas and whatever the headers say', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof postJson>> | undefined;
    for (let i = 0; i < 6; i++) {
      const replica = replicas[i % 2];
      last = await postJson(`${replica.baseUrl}/auth/login`, { username: 'carol', password: 'wrong-password' }, {
        'x-forwarded-for': `10.0.0.${i}`,
        'user-agent': `agent-${i}`,
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(last!.body).toMatchObject({ statusCode: 429, error: 'too_many_requests' });
  });

  it('throttles the token endpoint per client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await postForm(`${replicas[i % 2].baseUrl}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: replicas[0].basic('ops-cli') });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses[4]).toBe(429);
  });
});
