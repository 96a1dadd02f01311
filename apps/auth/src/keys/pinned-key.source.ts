import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importPKCS8, type JWK } from 'jose';
import { LocalSigner } from './access-token.signer';
import { KeyRotationRefusedError, SigningKeyConfigurationError } from './key.errors';
import { importPublicKey, toPublicJwk, type SigningAlgorithm } from './key.material';
import type { KeySource, LoadedKey } from './key.source';

/** Which key types fit each algorithm (checked before jose imports the key). */
const FITS: Readonly<Record<SigningAlgorithm, (key: KeyObject) => boolean>> = {
  RS256: (key) => key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048,
  ES256: (key) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
  EdDSA: (key) => key.asymmetricKeyType === 'ed25519',
};

const REQUIREMENT: Readonly<Record<SigningAlgorithm, string>> = {
  RS256: 'an RSA key of at least 2048 bits',
  ES256: 'an EC P-256 key',
  EdDSA: 'an Ed25519 key',
};

/**
 * A pinned key (AUTH_SIGNING_KEY_FILE): one PKCS#8 PEM private key, the only key, never rotated
 * by this service (rotating it is a redeploy with another file). Nothing is stored in the database.
 */
export class PinnedKeySource implements KeySource {
  private key?: Promise<LoadedKey>;

  constructor(
    private readonly file: string,
    private readonly alg: SigningAlgorithm,
  ) {}

  async load(): Promise<LoadedKey[]> {
    this.key ??= this.read();
    return [await this.key];
  }

  async publishNext(): Promise<boolean> {
    throw new KeyRotationRefusedError(
      'The signing key is pinned by AUTH_SIGNING_KEY_FILE and cannot be rotated here; deploy another key file instead.',
    );
  }

  async revoke(): Promise<boolean> {
    throw new KeyRotationRefusedError(
      'The signing key is pinned by AUTH_SIGNING_KEY_FILE and cannot be revoked here; deploy another key file instead.',
    );
  }

  async forget(): Promise<void> {
    // Nothing stored.
  }

  private async read(): Promise<LoadedKey> {
    const fail = (why: string) => new SigningKeyConfigurationError(`AUTH_SIGNING_KEY_FILE (${this.file}) ${why}`);
    const pem = await readFile(this.file, 'utf8').catch(() => {
      throw fail('cannot be read.');
    });
    let keyObject: KeyObject;
    try {
      keyObject = createPrivateKey({ key: pem, format: 'pem' });
    } catch {
      throw fail('is not a PEM private key.');
    }
    if (!/-{5}BEGIN PRIVATE KEY-{5}/.test(pem)) throw fail('must be a PKCS#8 PEM ("BEGIN PRIVATE KEY").');
    if (!FITS[this.alg](keyObject)) throw fail(`does not fit AUTH_SIGNING_ALG=${this.alg}: it must hold ${REQUIREMENT[this.alg]}.`);
    const privateKey = await importPKCS8(pem, this.alg).catch(() => {
      throw fail(`cannot be imported for ${this.alg}.`);
    });
    const publicJwk = await toPublicJwk(createPublicKey(keyObject).export({ format: 'jwk' }) as JWK, this.alg);
    return {
      kid: publicJwk.kid,
      generation: 1,
      activatesAt: 0,
      alg: this.alg,
      publicJwk,
      verifyKey: await importPublicKey(publicJwk),
      signer: new LocalSigner(publicJwk.kid, this.alg, privateKey),
    };
  }
}
