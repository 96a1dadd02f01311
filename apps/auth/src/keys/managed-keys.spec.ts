import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Database } from '@service-trust/service-kit';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';
import { accessTokenClaims, headerOf, keysTestConfig, ManualClock, migratedKeysDatabase, TEST_ISSUER, thumbprint } from './key-test.fixture';
import { Clock } from './key.clock';
import type { SigningAlgorithm } from './key.material';
import { KeyService } from './key.service';
import { createKeyService } from './key-service.factory';
import { KeysModule } from './keys.module';
import { SigningKeyRepository } from './signing-key.repository';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const ALLOWED_MEMBERS: Record<string, string[]> = {
  RSA: ['kty', 'n', 'e', 'kid', 'alg', 'use'],
  EC: ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'],
  OKP: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
};

describe('managed signing keys (PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;
  const clock = new ManualClock();
  const start = (config: AuthConfig, database = db) => createKeyService(config, database, clock);

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    db = await migratedKeysDatabase(testDb.url);
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });
  beforeEach(() => db.query('DELETE FROM auth.signing_keys'));

  describe.each<SigningAlgorithm>(['RS256', 'ES256', 'EdDSA'])('%s', (alg) => {
    it('signs tokens that verify against the published JWKS, with kid = RFC 7638 thumbprint', async () => {
      const keys = await start(keysTestConfig(testDb.url, { alg }));
      const token = await keys.signAccessToken(accessTokenClaims(clock.now()));
      const jwks = await keys.jwks();
      expect(jwks.keys).toHaveLength(1);
      const [jwk] = jwks.keys;
      expect(headerOf(token)).toEqual({ alg, kid: jwk.kid, typ: 'at+jwt' });
      expect(jwk.kid).toBe(thumbprint(jwk));
      expect(jwk).toMatchObject({ alg, use: 'sig' });
      expect(Object.keys(jwk).sort()).toEqual([...ALLOWED_MEMBERS[jwk.kty!]].sort());
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);

      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: TEST_ISSUER, typ: 'at+jwt', audience: 'inventory' });
      expect(payload).toMatchObject({ sub: 'user-1', client_id: 'orders-service' });
      await expect(keys.verifyAccessToken(token)).resolves.toMatchObject({ sub: 'user-1', aud: 'inventory' });
      expect(await keys.isReady()).toBe(true);
    });
  });

  it('survives a restart: a second instance signs with the same key and verifies the first one\'s tokens', async () => {
    const config = keysTestConfig(testDb.url);
    const first = await start(config);
    const token = await first.signAccessToken(accessTokenClaims(clock.now()));
    const secondDb = new Database(testDb.url);
    try {
      const second = await start(config, secondDb);
      await expect(second.verifyAccessToken(token)).resolves.toMatchObject({ jti: expect.any(String) });
      expect(headerOf(await second.signAccessToken(accessTokenClaims(clock.now())))['kid']).toBe(headerOf(token)['kid']);
      expect(await db.query('SELECT kid FROM auth.signing_keys')).toHaveLength(1);
    } finally {
      await secondDb.close();
    }
  });

  it('stores private keys encrypted, and refuses to start with another AUTH_KEY_ENCRYPTION_KEY', async () => {
    const config = keysTestConfig(testDb.url);
    await start(config);
    const [row] = await db.query<{ row: string; enc: string }>('SELECT row_to_json(k)::text AS row, private_key_enc AS enc FROM auth.signing_keys k');
    expect(row.row).not.toMatch(/"(d|p|q|dp|dq|qi)"\s*:/);
    expect(row.row).not.toContain('PRIVATE KEY');
    expect(row.enc.split('.')).toHaveLength(5); // a compact JWE
    expect(headerOf(row.enc)).toMatchObject({ alg: 'dir', enc: 'A256GCM' });

    const wrongKek = 'another-secret-of-at-least-32-characters!';
    const failure = await start({ ...config, signing: { ...config.signing, keyEncryptionKey: wrongKek } }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toContain('AUTH_KEY_ENCRYPTION_KEY');
    expect(failure?.message).not.toContain(wrongKek);
    expect(failure?.message).not.toContain(config.signing.keyEncryptionKey!);
    expect(failure?.message).not.toContain(row.enc.split('.')[3]);
  });

  it('ends up with one key when several replicas start at once on an empty table', async () => {
    const config = keysTestConfig(testDb.url);
    const pools = [new Database(testDb.url), new Database(testDb.url), new Database(testDb.url)];
    const insert = jest.spyOn(SigningKeyRepository.prototype, 'insert');
    try {
      const replicas = await Promise.all(pools.map((pool) => start(config, pool)));
      // The replicas found the table empty and raced to insert (the SELECTs run together, key
      // generation takes a while); exactly one insert won.
      const outcomes = await Promise.all(insert.mock.results.map((r) => r.value as Promise<boolean>));
      expect(outcomes.length).toBeGreaterThan(1);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const kids = await Promise.all(replicas.map(async (r) => headerOf(await r.signAccessToken(accessTokenClaims(clock.now())))['kid']));
      expect(new Set(kids).size).toBe(1);
      expect(await db.query('SELECT kid FROM auth.signing_keys')).toEqual([{ kid: kids[0] }]);
    } finally {
      insert.mockRestore();
      await Promise.all(pools.map((pool) => pool.close()));
    }
  });

  it('KeysModule provides KeyService from the global Database and AUTH_CONFIG, with an overridable Clock', async () => {
    @Global()
    @Module({ providers: [{ provide: Database, useValue: db }, { provide: AUTH_CONFIG, useValue: keysTestConfig(testDb.url) }], exports: [Database, AUTH_CONFIG] })
    class GlobalsModule {}
    const moduleRef = await Test.createTestingModule({ imports: [GlobalsModule, KeysModule] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    const keys = moduleRef.get(KeyService);
    expect(await keys.isReady()).toBe(true);
    expect(moduleRef.get(Clock)).toBe(clock);
    await moduleRef.close();
  });
});
