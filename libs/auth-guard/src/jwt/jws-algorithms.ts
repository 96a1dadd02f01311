import { constants, verify, type KeyObject, type VerifyKeyObjectInput, type VerifyPublicKeyInput } from 'node:crypto';
import type { AsymmetricAlgorithm } from '../interfaces/auth-guard-module-options.interface';

/** Every algorithm the guard can verify (asymmetric only). */
export const SUPPORTED_ALGORITHMS: readonly AsymmetricAlgorithm[] = Object.freeze([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
]);

interface AlgorithmSpec {
  /** Digest given to `crypto.verify` (`null` for EdDSA, which hashes internally). */
  readonly digest: string | null;
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** Allowed curves for EC / OKP keys. */
  readonly curves?: readonly string[];
  /** RSA-PSS instead of PKCS#1 v1.5. */
  readonly pss?: boolean;
  /** Expected raw signature length in bytes (EC: r||s). */
  readonly signatureLength?: number;
}

const SPECS: Readonly<Record<AsymmetricAlgorithm, AlgorithmSpec>> = {
  RS256: { digest: 'sha256', kty: 'RSA' },
  RS384: { digest: 'sha384', kty: 'RSA' },
  RS512: { digest: 'sha512', kty: 'RSA' },
  PS256: { digest: 'sha256', kty: 'RSA', pss: true },
  PS384: { digest: 'sha384', kty: 'RSA', pss: true },
  PS512: { digest: 'sha512', kty: 'RSA', pss: true },
  ES256: { digest: 'sha256', kty: 'EC', curves: ['P-256'], signatureLength: 64 },
  ES384: { digest: 'sha384', kty: 'EC', curves: ['P-384'], signatureLength: 96 },
  ES512: { digest: 'sha512', kty: 'EC', curves: ['P-521'], signatureLength: 132 },
  EdDSA: { digest: null, kty: 'OKP', curves: ['Ed25519', 'Ed448'] },
};

/** True when `alg` is one of {@link SUPPORTED_ALGORITHMS} (exact, case-sensitive). */
export function isSupportedAlgorithm(alg: unknown): alg is AsymmetricAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(SPECS, alg);
}

/**
 * The algorithm a JWK is bound to: its `alg` when present (and compatible with its key type and
 * curve), otherwise derived strictly from `kty`/`crv`. RSA keys without `alg` are ambiguous
 * (PKCS#1 v1.5 or PSS, which hash) and get `undefined`, as does anything incompatible.
 */
export function algorithmForJwk(kty: string, crv: string | undefined, alg: string | undefined): AsymmetricAlgorithm | undefined {
  if (alg !== undefined) {
    if (!isSupportedAlgorithm(alg)) return undefined;
    const spec = SPECS[alg];
    if (spec.kty !== kty) return undefined;
    if (spec.curves && (crv === undefined || !spec.curves.includes(crv))) return undefined;
    return alg;
  }
  if (kty === 'EC') return crv === 'P-256' ? 'ES256' : crv === 'P-384' ? 'ES384' : crv === 'P-521' ? 'ES512' : undefined;
  if (kty === 'OKP') return crv === 'Ed25519' || crv === 'Ed448' ? 'EdDSA' : undefined;
  return undefined;
}

/** A signature check bound to one key and one algorithm, prepared once per key. */
export type SignatureVerifier = (signingInput: Buffer, signature: Buffer) => boolean;

/**
 * Prepares the `crypto.verify` call of `alg` with `key` (a KeyObject imported once). The
 * returned function allocates nothing but the call itself; it never throws (a malformed
 * signature is simply invalid).
 */
export function createSignatureVerifier(alg: AsymmetricAlgorithm, key: KeyObject): SignatureVerifier {
  const spec = SPECS[alg];
  // The KeyObject itself when no option is needed (RS256, EdDSA): Node then skips reading the
  // key out of an options object on every call.
  const input: KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput = spec.pss
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : spec.kty === 'EC'
      ? { key, dsaEncoding: 'ieee-p1363' }
      : key;
  const { digest, signatureLength } = spec;
  return (signingInput, signature) => {
    if (signatureLength !== undefined && signature.length !== signatureLength) return false;
    try {
      return verify(digest, signingInput, input, signature);
    } catch {
      return false;
    }
  };
}

/** The key type an algorithm needs (used to explain mismatches). */
export function keyTypeOf(alg: AsymmetricAlgorithm): 'RSA' | 'EC' | 'OKP' {
  return SPECS[alg].kty;
}
