import { InvalidTokenError } from '../errors/auth-guard.error';
import type { AsymmetricAlgorithm } from '../interfaces/auth-guard-module-options.interface';

/** The header members the guard relies on, after {@link checkJoseHeader}. */
export interface CheckedJoseHeader {
  readonly alg: AsymmetricAlgorithm;
  readonly kid: string;
}

/**
 * Header members that point at or embed key material. The key is only ever taken from the
 * configured JWKS, so a token carrying any of them is rejected outright rather than ignored:
 * such a token is either misconfigured or an attack (RFC 8725 §3.10).
 */
export const FORBIDDEN_HEADER_MEMBERS: readonly string[] = Object.freeze(['jku', 'jwk', 'x5u', 'x5c']);

const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);
const MAX_KID_LENGTH = 256;

/**
 * Checks the JOSE header of an access token, before any key lookup:
 * `alg` allowed (never `none` nor `HS*`), no key-carrying members, no `crit`
 * (no extension is understood), `typ` is `at+jwt` (RFC 9068 §2.1, media type compared
 * case-insensitively, `application/` prefix optional), `kid` a non-empty string.
 */
export function checkJoseHeader(header: Readonly<Record<string, unknown>>, allowed: readonly AsymmetricAlgorithm[]): CheckedJoseHeader {
  const alg = header['alg'];
  if (typeof alg !== 'string' || !(allowed as readonly string[]).includes(alg)) {
    throw new InvalidTokenError('unsupported_algorithm', 'The token algorithm is not accepted');
  }
  for (const member of FORBIDDEN_HEADER_MEMBERS) {
    if (Object.hasOwn(header, member)) {
      throw new InvalidTokenError('forbidden_header', 'The token header carries key material or a key URL, which is never used');
    }
  }
  if (Object.hasOwn(header, 'crit')) {
    throw new InvalidTokenError('unsupported_critical_header', 'The token header lists critical extensions that are not supported');
  }
  const typ = header['typ'];
  if (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.has(typ.toLowerCase())) {
    throw new InvalidTokenError('invalid_token_type', 'The token is not an access token (typ must be at+jwt)');
  }
  const kid = header['kid'];
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    throw new InvalidTokenError('invalid_key_id', 'The token header has no valid key id (kid)');
  }
  return { alg: alg as AsymmetricAlgorithm, kid };
}
