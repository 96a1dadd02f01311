import { createPublicKey, generateKeyPairSync, verify as verifySignature } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@service-trust/service-kit';
import type { JWK } from 'jose';
import { accessTokenClaims, headerOf, keysTestConfig, ManualClock, thumbprint } from './key-test.fixture';
import { KeyRotationRefusedError } from './key.errors';
import type { SigningAlgorithm } from './key.material';
import { createKeyService } from './key-service.factory';

/** Pinned keys touch no database: this pool is never connected. */
const unusedDb = new Database('postgres://postgres@127.0.0.1:1/unused');
const dir = mkdtempSync(join(tmpdir(), 'pinned-key-'));

function keyFile(name: string, type: 'rsa' | 'ec' | 'ed25519'): string {
  const options = type === 'rsa' ? { modulusLength: 2048 } : type === 'ec' ? { namedCurve: 'P-256' } : {};
  const { privateKey } = generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
  const file = join(dir, name);
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}

const start = (keyFilePath: string, alg: SigningAlgorithm) =>
  createKeyService(keysTestConfig('postgres://unused', { alg, keyFile: keyFilePath, keyEncryptionKey: undefined }), unusedDb, new ManualClock());

describe('a pinned key (AUTH_SIGNING_KEY_FILE)', () => {
  afterAll(async () => {
    await unusedDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each<[SigningAlgorithm, 'rsa' | 'ec' | 'ed25519']>([
    ['RS256', 'rsa'],
    ['ES256', 'ec'],
    ['EdDSA', 'ed25519'],
  ])('%s: is the only key, kid = its thumbprint, and signs verifiably', async (alg, type) => {
    const file = keyFile(`${alg}.pem`, type);
    const keys = await start(file, alg);
    const { keys: published } = await keys.jwks();
    expect(published).toHaveLength(1);
    // Independently of jose: the public key from the PEM file, and its RFC 7638 thumbprint.
    const publicKey = createPublicKey(readFileSync(file, 'utf8'));
    expect(published[0].kid).toBe(thumbprint(publicKey.export({ format: 'jwk' }) as JWK));

    const token = await keys.signAccessToken(accessTokenClaims(Date.now()));
    expect(headerOf(token)).toEqual({ alg, kid: published[0].kid, typ: 'at+jwt' });
    const [h, p, s] = token.split('.');
    const signature = Buffer.from(s, 'base64url');
    const data = Buffer.from(`${h}.${p}`);
    const ok =
      alg === 'RS256'
        ? verifySignature('sha256', data, publicKey, signature)
        : alg === 'ES256'
          ? verifySignature('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)
          : verifySignature(null, data, publicKey, signature);
    expect(ok).toBe(true);
    await expect(keys.verifyAccessToken(token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('refuses to rotate with KeyRotationRefusedError (HTTP 409)', async () => {
    const keys = await start(keyFile('rotate.pem', 'ec'), 'ES256');
    const error = await keys.rotate().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KeyRotationRefusedError);
    expect((error as KeyRotationRefusedError).getStatus()).toBe(409);
    expect((error as Error).message).toContain('AUTH_SIGNING_KEY_FILE');
  });

  it.each<[SigningAlgorithm, 'rsa' | 'ec' | 'ed25519']>([
    ['RS256', 'ec'],
    ['ES256', 'ed25519'],
    ['EdDSA', 'rsa'],
  ])('refuses a key that does not fit %s, naming AUTH_SIGNING_KEY_FILE', async (alg, type) => {
    await expect(start(keyFile(`wrong-${alg}.pem`, type), alg)).rejects.toThrow(/AUTH_SIGNING_KEY_FILE .*does not fit AUTH_SIGNING_ALG/);
  });

  it('refuses a missing or non-PEM file, naming AUTH_SIGNING_KEY_FILE', async () => {
    await expect(start(join(dir, 'missing.pem'), 'RS256')).rejects.toThrow(/AUTH_SIGNING_KEY_FILE .*cannot be read/);
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key');
    await expect(start(junk, 'RS256')).rejects.toThrow(/AUTH_SIGNING_KEY_FILE/);
  });
});
