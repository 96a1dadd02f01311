import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@service-trust/service-kit';
import { importPKCS8, SignJWT, type CryptoKey, type JWTHeaderParameters } from 'jose';
import { accessTokenClaims, keysTestConfig, ManualClock, TEST_ISSUER } from './key-test.fixture';
import { InvalidAccessTokenError, type KeyService } from './key.service';
import { createKeyService } from './key-service.factory';

/** Rejections of verifyAccessToken, with tokens crafted here using the issuer's own private key. */
describe('verifyAccessToken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verifier-'));
  const unusedDb = new Database('postgres://postgres@127.0.0.1:1/unused');
  const clock = new ManualClock();
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let keys: KeyService;
  let privateKey: CryptoKey;
  let kid: string;

  const craft = (claims: Record<string, unknown>, header: Partial<JWTHeaderParameters> = {}, key: CryptoKey | Uint8Array = privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt', ...header }).sign(key);
  const rejects = (token: Promise<string> | string) =>
    expect(Promise.resolve(token).then((t) => keys.verifyAccessToken(t))).rejects.toBeInstanceOf(InvalidAccessTokenError);

  beforeAll(async () => {
    const file = join(dir, 'key.pem');
    writeFileSync(file, pem);
    keys = await createKeyService(keysTestConfig('unused', { keyFile: file, keyEncryptionKey: undefined }), unusedDb, clock);
    privateKey = await importPKCS8(pem, 'RS256');
    kid = String((await keys.jwks()).keys[0].kid);
  });
  afterAll(async () => {
    await unusedDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a well-formed token (the control for the cases below)', async () => {
    await expect(keys.verifyAccessToken(await craft(accessTokenClaims(clock.now())))).resolves.toMatchObject({ iss: TEST_ISSUER, aud: 'inventory' });
  });

  it('rejects a wrong typ', () => rejects(craft(accessTokenClaims(clock.now()), { typ: 'JWT' })));
  it('rejects a missing typ', () => rejects(craft(accessTokenClaims(clock.now()), { typ: undefined })));
  it('rejects another issuer', () => rejects(craft(accessTokenClaims(clock.now(), { iss: 'https://evil.test' }))));

  it('rejects an expired token (beyond the 30 s tolerance)', async () => {
    const token = await craft(accessTokenClaims(clock.now()));
    clock.advance(300 + 31);
    await rejects(token);
  });

  it('rejects an unknown kid, and a token signed by another key under our kid', async () => {
    const other = await importPKCS8(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256');
    await rejects(craft(accessTokenClaims(clock.now()), { kid: 'unknown' }, other));
    await rejects(craft(accessTokenClaims(clock.now()), {}, other));
    await rejects(craft(accessTokenClaims(clock.now()), { kid: undefined }));
  });

  it('rejects an algorithm other than the key\'s (PS256 with the same RSA key, HS256 with the public key as secret)', async () => {
    await rejects(craft(accessTokenClaims(clock.now()), { alg: 'PS256' }, await importPKCS8(pem, 'PS256')));
    const publicDer = new Uint8Array(createPublicKey(pem).export({ type: 'spki', format: 'der' }));
    await rejects(craft(accessTokenClaims(clock.now()), { alg: 'HS256' }, publicDer));
    const [, payload] = (await craft(accessTokenClaims(clock.now()))).split('.');
    await rejects(`${Buffer.from(JSON.stringify({ alg: 'none', kid, typ: 'at+jwt' })).toString('base64url')}.${payload}.`);
  });

  it('rejects a tampered payload', async () => {
    const [header, payload, signature] = (await craft(accessTokenClaims(clock.now()))).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    await rejects(`${header}.${tampered}.${signature}`);
  });

  it.each(['client_id', 'sub', 'jti', 'aud', 'exp', 'iat'])('rejects a token without %s', (claim) => {
    const claims = accessTokenClaims(clock.now());
    delete claims[claim];
    return rejects(craft(claims));
  });

  it('rejects an audience array, key-pointing headers and garbage', async () => {
    await rejects(craft(accessTokenClaims(clock.now(), { aud: ['inventory', 'orders'] })));
    await rejects(craft(accessTokenClaims(clock.now()), { jku: 'https://evil.test/jwks.json' }));
    await rejects('not.a.token');
    await rejects('');
  });
});
