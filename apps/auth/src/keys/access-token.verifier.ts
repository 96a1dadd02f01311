import { jwtVerify, type JWTPayload } from 'jose';
import { InvalidAccessTokenError, type VerifiedAccessToken } from './key.service';
import { SIGNING_ALGORITHMS } from './key.material';
import type { LoadedKey } from './key.source';

/** Header parameters that point at keys elsewhere: never followed, and never in our tokens. */
const KEY_POINTING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'];
const REQUIRED_CLAIMS = ['sub', 'client_id', 'jti', 'aud', 'exp', 'iat'];

export interface AccessTokenCheck {
  readonly issuer: string;
  /** The time to check `exp`/`nbf`/`iat` against (ms since the epoch). */
  readonly now: number;
  readonly clockToleranceSeconds: number;
}

/**
 * Verifies an RFC 9068 access token against `keys` (the published keys, by `kid`): the key is
 * chosen by `kid` only, the algorithm must be that key's, `typ` must be `at+jwt`, `iss` ours.
 * Anything wrong, including malformed input, is an {@link InvalidAccessTokenError}.
 */
export async function verifyAccessToken(token: string, keys: ReadonlyMap<string, LoadedKey>, check: AccessTokenCheck): Promise<VerifiedAccessToken> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        if (KEY_POINTING_HEADERS.some((name) => name in header)) throw new InvalidAccessTokenError('key-pointing header');
        const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
        if (!key) throw new InvalidAccessTokenError('unknown kid');
        if (header.alg !== key.alg) throw new InvalidAccessTokenError('alg does not match the key');
        return key.verifyKey;
      },
      {
        algorithms: [...SIGNING_ALGORITHMS],
        typ: 'at+jwt',
        issuer: check.issuer,
        currentDate: new Date(check.now),
        clockTolerance: check.clockToleranceSeconds,
        requiredClaims: REQUIRED_CLAIMS,
      },
    ));
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new InvalidAccessTokenError(typeof code === 'string' ? code : 'malformed token');
  }
  return claimsOf(payload);
}

function claimsOf(payload: JWTPayload): VerifiedAccessToken {
  const { sub, aud, client_id: clientId, jti, exp, iat, scope, roles } = payload as Record<string, unknown>;
  const strings = [sub, aud, clientId, jti].every((value) => typeof value === 'string' && value.length > 0);
  const numbers = [exp, iat].every((value) => typeof value === 'number' && Number.isFinite(value));
  const optional =
    (scope === undefined || typeof scope === 'string') &&
    (roles === undefined || (Array.isArray(roles) && roles.every((role) => typeof role === 'string')));
  if (!strings || !numbers || !optional) throw new InvalidAccessTokenError('claims of the wrong type');
  return payload as VerifiedAccessToken;
}
