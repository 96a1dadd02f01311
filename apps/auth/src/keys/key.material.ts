import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** The signature algorithms the issuer can be configured with (AUTH_SIGNING_ALG). */
export type SigningAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

/** A public JWK as published: key members, `kid`, `alg`, `use: "sig"`, nothing else. */
export type PublicJwk = JWK & { kid: string; alg: SigningAlgorithm; use: 'sig' };

/** The members of a public key, per key type; everything else (`d`, `p`, `k`, ...) is dropped. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly (keyof JWK)[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

/** A freshly generated or imported key pair with its RFC 7638 thumbprint as `kid`. */
export interface KeyPair {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: PublicJwk;
}

/** Generates a key pair for `alg` (RS256: RSA 2048, ES256: P-256, EdDSA: Ed25519), extractable. */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return describeKeyPair(alg, privateKey, publicKey);
}

/** Completes a key pair with its public JWK and `kid` (RFC 7638 thumbprint, SHA-256). */
export async function describeKeyPair(alg: SigningAlgorithm, privateKey: CryptoKey, publicKey: CryptoKey): Promise<KeyPair> {
  const publicJwk = await toPublicJwk(await exportJWK(publicKey), alg);
  return { kid: publicJwk.kid, alg, privateKey, publicKey, publicJwk };
}

/** Keeps only the public members of `jwk` and adds `kid` (its thumbprint), `alg` and `use`. */
export async function toPublicJwk(jwk: JWK, alg: SigningAlgorithm): Promise<PublicJwk> {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''];
  if (!members) throw new Error(`Unsupported key type ${String(jwk.kty)}.`);
  const picked: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string') throw new Error(`The public key lacks member "${member}".`);
    picked[member] = value;
  }
  const clean: JWK = picked;
  const kid = await calculateJwkThumbprint(clean, 'sha256');
  return { ...clean, kid, alg, use: 'sig' };
}

/** Imports a public JWK as a verification key for `alg` (never re-done per request). */
export async function importPublicKey(jwk: PublicJwk): Promise<CryptoKey> {
  const key = await importJWK({ ...jwk }, jwk.alg);
  if (key instanceof Uint8Array) throw new Error('A public signing key cannot be a symmetric key.');
  return key;
}

/** Exports the private key as a JWK (to be encrypted before it is stored). */
export async function exportPrivateJwk(key: KeyPair): Promise<JWK> {
  return exportJWK(key.privateKey);
}

/** Imports a decrypted private JWK and checks that it is the key `kid` names. */
export async function importPrivateJwk(jwk: JWK, alg: SigningAlgorithm, kid: string): Promise<CryptoKey> {
  const publicJwk = await toPublicJwk(jwk, alg);
  if (publicJwk.kid !== kid) throw new Error(`The stored private key does not match kid ${kid}.`);
  const key = await importJWK(jwk, alg);
  if (key instanceof Uint8Array) throw new Error('A private signing key cannot be a symmetric key.');
  return key;
}
