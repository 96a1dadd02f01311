import type { JWK } from 'jose';
import { ManualClock } from './key-test.fixture';
import { generateSigningKey, importPublicKey } from './key.material';
import type { KeySource, LoadedKey } from './key.source';
import { JWKS_REFRESH_WAIT_MS, KEY_REFRESH_MS, KeyRingService } from './key-ring.service';

describe('KeyRingService refresh while the database does not answer', () => {
  it('answers the JWKS from memory after a bounded wait, and keeps the keys when the re-read fails', async () => {
    const generated = await generateSigningKey('ES256');
    const key: LoadedKey = {
      kid: generated.kid,
      generation: 1,
      activatesAt: 0,
      alg: 'ES256',
      publicJwk: generated.publicJwk,
      verifyKey: await importPublicKey(generated.publicJwk),
    };
    let hang = false;
    let release: (() => void) | undefined;
    const source: KeySource = {
      load: () => (hang ? new Promise((_, fail) => (release = () => fail(new Error('Connection terminated due to connection timeout')))) : Promise.resolve([key])),
      publishNext: async () => false,
      revoke: async () => false,
      forget: async () => undefined,
    };
    const clock = new ManualClock();
    const ring = await new KeyRingService(source, clock, { issuer: 'https://auth.test', prepublishSeconds: 600, retentionSeconds: 1200 }).start();

    hang = true; // the database stops answering
    clock.advance(KEY_REFRESH_MS / 1000);
    const started = performance.now();
    const jwks = await ring.jwks();
    // The re-read hangs until released below: any bound proves the JWKS does not wait for it. The
    // margin is wide so a loaded machine does not fail the test.
    expect(performance.now() - started).toBeLessThan(JWKS_REFRESH_WAIT_MS + 2_000);
    expect(jwks.keys.map((k: JWK) => k.kid)).toEqual([key.kid]);
    release!(); // the re-read fails: the keys stay
    await new Promise((done) => setImmediate(done));
    expect((await ring.jwks()).keys.map((k: JWK) => k.kid)).toEqual([key.kid]);
  });
});
