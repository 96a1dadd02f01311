import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { AsymmetricAlgorithm } from '../interfaces/auth-guard-module-options.interface';
import { algorithmForJwk, createSignatureVerifier, type SignatureVerifier } from '../jwt/jws-algorithms';

/** A public key from the issuer's JWKS, imported once and bound to exactly one algorithm. */
export interface VerificationKey {
  readonly kid: string;
  readonly alg: AsymmetricAlgorithm;
  readonly verify: SignatureVerifier;
}

/** Why a JWK of the set was not imported (for logs; never affects other keys). */
export type JwkRejection = { readonly kid: string | undefined; readonly reason: string };

const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

const MIN_RSA_BITS = 2048;
const MAX_KID_LENGTH = 256;

/**
 * Imports one JWK for signature verification, or explains why it is not usable:
 * symmetric (`oct`) and unknown key types are ignored, `use` must be `sig` when present,
 * `key_ops` must allow `verify` when present, the key is bound to its `alg` (or to the one
 * algorithm its `kty`/`crv` imply), the algorithm must be allowed, RSA keys have ≥ 2048 bits.
 * Only the public members are imported (a published private part is ignored).
 */
export function importJwk(jwk: unknown, allowed: readonly AsymmetricAlgorithm[]): VerificationKey | JwkRejection {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return { kid: undefined, reason: 'not an object' };
  const k = jwk as Record<string, unknown>;
  const kid = typeof k['kid'] === 'string' ? k['kid'] : undefined;
  const reject = (reason: string): JwkRejection => ({ kid, reason });
  if (kid === undefined || kid.length === 0 || kid.length > MAX_KID_LENGTH) return reject('missing or invalid kid');
  const kty = k['kty'];
  if (typeof kty !== 'string' || !Object.hasOwn(PUBLIC_MEMBERS, kty)) return reject('not an asymmetric signing key type');
  if (k['use'] !== undefined && k['use'] !== 'sig') return reject('use is not "sig"');
  const ops = k['key_ops'];
  if (ops !== undefined && (!Array.isArray(ops) || !ops.includes('verify'))) return reject('key_ops does not allow verify');
  const crv = typeof k['crv'] === 'string' ? k['crv'] : undefined;
  const declared = k['alg'];
  if (declared !== undefined && typeof declared !== 'string') return reject('alg is not a string');
  const alg = algorithmForJwk(kty, crv, declared);
  if (!alg) return reject('no algorithm can be bound to this key (alg missing for RSA, or incompatible with kty/crv)');
  if (!allowed.includes(alg)) return reject(`algorithm ${alg} is not allowed`);
  const members: Record<string, unknown> = {};
  for (const name of PUBLIC_MEMBERS[kty] ?? []) {
    if (typeof k[name] !== 'string' || (k[name] as string).length === 0) return reject(`member ${name} missing`);
    members[name] = k[name];
  }
  try {
    const key = createPublicKey({ key: members as JsonWebKey, format: 'jwk' });
    if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
      return reject(`RSA key shorter than ${MIN_RSA_BITS} bits`);
    }
    return Object.freeze({ kid, alg, verify: createSignatureVerifier(alg, key) });
  } catch {
    return reject('key material is invalid');
  }
}

/** Type guard separating imported keys from rejections. */
export function isVerificationKey(result: VerificationKey | JwkRejection): result is VerificationKey {
  return 'verify' in result;
}
