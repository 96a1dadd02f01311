import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, type JWK } from 'jose';

const SALT = 'service-trust/auth';
const INFO = 'auth.signing_keys private key encryption v1';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts private signing keys at rest: a JWE (`dir`, `A256GCM`) of the private JWK under a
 * 256-bit key derived with HKDF-SHA256 from AUTH_KEY_ENCRYPTION_KEY. The `kid` is in the
 * protected header (authenticated), so a ciphertext cannot be moved to another row unnoticed.
 */
export class PrivateKeyCipher {
  private readonly kek: Uint8Array;

  constructor(secret: string) {
    this.kek = new Uint8Array(hkdfSync('sha256', secret, SALT, INFO, 32));
  }

  async encrypt(jwk: JWK, kid: string): Promise<string> {
    return new CompactEncrypt(encoder.encode(JSON.stringify(jwk)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, cty: 'jwk+json' })
      .encrypt(this.kek);
  }

  /** Decrypts the private JWK of `kid`; throws (without detail) when the key does not fit. */
  async decrypt(jwe: string, kid: string): Promise<JWK> {
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, this.kek, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    if (protectedHeader.kid !== kid) throw new Error(`The encrypted key is not the key ${kid}.`);
    return JSON.parse(decoder.decode(plaintext)) as JWK;
  }
}
