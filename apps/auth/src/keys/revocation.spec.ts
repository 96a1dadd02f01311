import type { Database } from '@service-trust/service-kit';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { accessTokenClaims, headerOf, keysTestConfig, ManualClock, migratedKeysDatabase } from './key-test.fixture';
import { KeyRotationRefusedError, UnknownSigningKeyError } from './key.errors';
import { InvalidAccessTokenError, type KeyService } from './key.service';
import { KEY_REFRESH_MS } from './key-ring.service';
import { createKeyService } from './key-service.factory';

const PREPUBLISH = 600;
const RETENTION = 1200;

describe('emergency key revocation (injected clock, PostgreSQL)', () => {
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

  it('removes a retired key from the JWKS and verification at once, on other replicas within the refresh interval', async () => {
    const clock = new ManualClock();
    const config = keysTestConfig(testDb.url, { alg: 'ES256', prepublishSeconds: PREPUBLISH, retentionSeconds: RETENTION });
    const a = await createKeyService(config, db, clock);
    const b = await createKeyService(config, db, clock);
    const kids = async (keys: KeyService) => (await keys.jwks()).keys.map((k) => k.kid);
    const oldToken = await a.signAccessToken(accessTokenClaims(clock.now(), { exp: Math.floor(clock.now() / 1000) + 3600 }));
    const oldKid = headerOf(oldToken)['kid'] as string;

    const plan = await a.rotate();
    await expect(a.revoke(oldKid)).rejects.toBeInstanceOf(KeyRotationRefusedError); // it signs now
    clock.advance(PREPUBLISH); // the next key signs; the old one is retired, still published
    expect(await kids(a)).toEqual([oldKid, plan.next.kid]);
    expect(await kids(b)).toEqual([oldKid, plan.next.kid]);
    await expect(b.verifyAccessToken(oldToken)).resolves.toMatchObject({ sub: 'user-1' });

    const revoked = await a.revoke(oldKid);
    expect(revoked.kid).toBe(oldKid);
    expect(await a.revoke(oldKid)).toEqual(revoked); // idempotent
    expect(await kids(a)).toEqual([plan.next.kid]);
    await expect(a.verifyAccessToken(oldToken)).rejects.toBeInstanceOf(InvalidAccessTokenError);
    clock.advance(KEY_REFRESH_MS / 1000); // the other replica re-reads the table
    expect(await kids(b)).toEqual([plan.next.kid]);
    await expect(b.verifyAccessToken(oldToken)).rejects.toBeInstanceOf(InvalidAccessTokenError);
    expect(headerOf(await b.signAccessToken(accessTokenClaims(clock.now())))['kid']).toBe(plan.next.kid);

    // A restarted replica does not bring it back, and the generation is not reused.
    const c = await createKeyService(config, db, clock);
    expect(await kids(c)).toEqual([plan.next.kid]);
    await expect(a.revoke('no-such-kid')).rejects.toBeInstanceOf(UnknownSigningKeyError);
    const next = await c.rotate();
    expect((await db.query<{ generation: number }>('SELECT generation FROM auth.signing_keys ORDER BY generation')).map((r) => r.generation)).toEqual([1, 2, 3]);

    // A pending key found compromised before it signs: revoked, the current key keeps signing.
    await c.revoke(next.next.kid);
    expect(await kids(c)).toEqual([plan.next.kid]);
    clock.advance(PREPUBLISH + 1);
    expect(headerOf(await c.signAccessToken(accessTokenClaims(clock.now())))['kid']).toBe(plan.next.kid);
  });
});
