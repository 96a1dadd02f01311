import type { Database } from '@service-trust/service-kit';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { accessTokenClaims, headerOf, keysTestConfig, ManualClock, migratedKeysDatabase, TEST_ISSUER } from './key-test.fixture';
import { InvalidAccessTokenError, type KeyService } from './key.service';
import { createKeyService } from './key-service.factory';

const PREPUBLISH = 600;
const RETENTION = 1200;

describe('key rotation timeline (injected clock, PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    db = await migratedKeysDatabase(testDb.url);
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('publishes first, switches at activation, keeps the old key for the retention, then drops it', async () => {
    const clock = new ManualClock();
    const config = keysTestConfig(testDb.url, { alg: 'ES256', prepublishSeconds: PREPUBLISH, retentionSeconds: RETENTION });
    const a = await createKeyService(config, db, clock);
    const b = await createKeyService(config, db, clock); // another replica
    const kidOf = async (keys: KeyService) => headerOf(await keys.signAccessToken(accessTokenClaims(clock.now())))['kid'];
    const kids = async (keys: KeyService) => (await keys.jwks()).keys.map((k) => k.kid);
    const independentlyVerify = async (token: string, keys: KeyService) =>
      jwtVerify(token, createLocalJWKSet(await keys.jwks()), { issuer: TEST_ISSUER, typ: 'at+jwt', currentDate: new Date(clock.now()) });

    const oldKid = await kidOf(a);
    const longLived = (now: number) => accessTokenClaims(now, { exp: Math.floor(now / 1000) + 4 * RETENTION });
    const oldToken = await a.signAccessToken(longLived(clock.now()));

    const plan = await a.rotate();
    expect(plan.current).toEqual({ kid: oldKid, alg: 'ES256', retiresAt: plan.next.activatesAt });
    expect(Date.parse(plan.next.activatesAt)).toBe(clock.now() + PREPUBLISH * 1000);
    expect(await kids(a)).toEqual([oldKid, plan.next.kid]);
    expect(await kidOf(a)).toBe(oldKid);
    expect(await a.rotate()).toEqual(plan); // idempotent while pending
    expect(await db.query('SELECT kid FROM auth.signing_keys')).toHaveLength(2);

    // The other replica sees the new key at its next refresh (at most 30 s), long before it signs.
    expect(await kids(b)).toEqual([oldKid]);
    clock.advance(30);
    expect(await kids(b)).toEqual([oldKid, plan.next.kid]);
    expect(await kidOf(b)).toBe(oldKid);

    clock.advance(PREPUBLISH - 30 - 1);
    expect(await kidOf(a)).toBe(oldKid);
    const lastOldToken = await a.signAccessToken(longLived(clock.now()));
    clock.advance(1); // activation
    expect(await kidOf(a)).toBe(plan.next.kid);
    expect(await kidOf(b)).toBe(plan.next.kid);
    const newToken = await b.signAccessToken(accessTokenClaims(clock.now()));
    await expect(a.verifyAccessToken(newToken)).resolves.toMatchObject({ sub: 'user-1' });

    clock.advance(RETENTION - 1); // the old key is still published
    expect(await kids(a)).toEqual([oldKid, plan.next.kid]);
    for (const token of [oldToken, lastOldToken]) {
      await expect(a.verifyAccessToken(token)).resolves.toMatchObject({ client_id: 'orders-service' });
      await expect(independentlyVerify(token, a)).resolves.toBeDefined();
    }

    clock.advance(1); // retention over: the old key leaves the JWKS, its tokens no longer verify
    expect(await kids(a)).toEqual([plan.next.kid]);
    expect(await kids(b)).toEqual([plan.next.kid]);
    await expect(a.verifyAccessToken(oldToken)).rejects.toBeInstanceOf(InvalidAccessTokenError);
    await expect(independentlyVerify(oldToken, a)).rejects.toThrow();

    // Later rotations delete keys that left the JWKS more than a retention period ago.
    clock.advance(RETENTION + 1);
    const third = await b.rotate();
    expect(third.current.kid).toBe(plan.next.kid);
    expect((await db.query<{ kid: string }>('SELECT kid FROM auth.signing_keys ORDER BY generation')).map((r) => r.kid)).toEqual([
      plan.next.kid,
      third.next.kid,
    ]);
    expect(await a.rotate()).toEqual(third); // a's view is refreshed by rotate: same pending plan
  });

  it('replicas rotating at the same moment publish one key', async () => {
    await db.query('DELETE FROM auth.signing_keys');
    const clock = new ManualClock();
    const config = keysTestConfig(testDb.url, { alg: 'EdDSA' });
    const replicas = await Promise.all([1, 2, 3].map(() => createKeyService(config, db, clock)));
    const plans = await Promise.all(replicas.map((r) => r.rotate()));
    expect(new Set(plans.map((p) => p.next.kid)).size).toBe(1);
    expect(await db.query('SELECT kid FROM auth.signing_keys')).toHaveLength(2);
  });
});
