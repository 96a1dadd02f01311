import { InvalidTokenError } from '../errors/auth-guard.error';
import type { Actor, Principal } from '../interfaces/principal.interface';

/** What the claims are checked against. */
export interface ClaimRules {
  readonly issuer: string;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds: number;
}

/** The time claims of a token, checked again on every use of a cached verification. */
export interface TokenTimes {
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number | undefined;
}

const MAX_STRING_CLAIM = 1024;
const MAX_ACTOR_DEPTH = 8;

/**
 * The raw token a principal was verified from, as a non-enumerable symbol-keyed slot set before
 * the principal is frozen (invisible to JSON, spreading and equality checks). A slot rather than
 * a WeakMap keyed by every principal, which costs the garbage collector much more.
 */
const RAW_TOKEN = Symbol('service-trust.auth-guard.raw-token');

/** The raw token stored on a principal by {@link checkClaims}, if any. */
export function rawTokenSlot(principal: Principal): string | undefined {
  return (principal as { [RAW_TOKEN]?: string })[RAW_TOKEN];
}

/**
 * Checks the claims of a signature-verified access token (RFC 9068 §4, RFC 8725) and returns
 * its {@link Principal}: exact `iss`; `aud` equal to (or an array containing) our audience;
 * `exp` and `iat` required NumericDates, `nbf` optional; {@link checkTimes}; `exp` after `iat`
 * and lifetime within the maximum age; `sub`, `client_id`, `jti` non-empty strings; `scope` a
 * string, `roles` an array of strings and `act` a well-formed actor chain when present.
 */
export function checkClaims(
  claims: Readonly<Record<string, unknown>>,
  rules: ClaimRules,
  nowSeconds: number,
  rawToken?: string,
): { principal: Principal; times: TokenTimes } {
  if (claims['iss'] !== rules.issuer) throw new InvalidTokenError('invalid_issuer', 'The token was not issued by the expected issuer');
  const aud = claims['aud'];
  const audienceOk = typeof aud === 'string' ? aud === rules.audience : Array.isArray(aud) && aud.every((a) => typeof a === 'string') && aud.includes(rules.audience);
  if (!audienceOk) throw new InvalidTokenError('invalid_audience', 'The token is not intended for this service');
  const exp = claims['exp'];
  if (!isNumericDate(exp)) throw new InvalidTokenError('invalid_claims', 'The token has no valid expiry (exp)');
  const iat = claims['iat'];
  if (!isNumericDate(iat)) throw new InvalidTokenError('invalid_issued_at', 'The token has no valid issue time (iat)');
  const nbf = claims['nbf'];
  if (nbf !== undefined && !isNumericDate(nbf)) throw new InvalidTokenError('invalid_claims', 'The token not-before time (nbf) is invalid');
  const times: TokenTimes = { exp, iat, nbf };
  checkTimes(times, rules, nowSeconds);
  if (exp <= iat) throw new InvalidTokenError('invalid_claims', 'The token expires before it was issued');
  if (exp - iat > rules.maxTokenAgeSeconds) throw new InvalidTokenError('token_too_old', 'The token lifetime exceeds the accepted maximum');
  const sub = requiredString(claims, 'sub');
  const clientId = requiredString(claims, 'client_id');
  const jti = requiredString(claims, 'jti');
  const scope = claims['scope'];
  if (scope !== undefined && typeof scope !== 'string') throw new InvalidTokenError('invalid_claims', 'The token scope must be a string');
  const roles = claims['roles'];
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
    throw new InvalidTokenError('invalid_claims', 'The token roles must be an array of strings');
  }
  const actor = claims['act'] === undefined ? undefined : toActor(claims['act'], 1);
  const principal: Principal = {
    sub,
    clientId,
    scopes: scope ? scope.split(' ').filter((s) => s.length > 0) : [],
    audience: rules.audience,
    ...(actor ? { actor } : {}),
    roles: roles ? [...(roles as string[])] : [],
    tokenId: jti,
    expiresAt: exp,
    claims: claims as Record<string, unknown>,
  };
  if (rawToken !== undefined) Object.defineProperty(principal, RAW_TOKEN, { value: rawToken });
  deepFreeze(principal);
  return { principal, times };
}

/**
 * The time rules, checked on every request: not expired (`exp` + tolerance), not before `nbf`
 * and not issued in the future (− tolerance), not older than the maximum age (+ tolerance).
 */
export function checkTimes(times: TokenTimes, rules: ClaimRules, nowSeconds: number): void {
  const tolerance = rules.clockToleranceSeconds;
  if (nowSeconds >= times.exp + tolerance) throw new InvalidTokenError('token_expired', 'The token has expired');
  if (times.nbf !== undefined && times.nbf > nowSeconds + tolerance) {
    throw new InvalidTokenError('token_not_yet_valid', 'The token is not valid yet (nbf)');
  }
  if (times.iat > nowSeconds + tolerance) throw new InvalidTokenError('invalid_issued_at', 'The token was issued in the future (iat)');
  if (nowSeconds - times.iat > rules.maxTokenAgeSeconds + tolerance) {
    throw new InvalidTokenError('token_too_old', 'The token is older than the accepted maximum age');
  }
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function requiredString(claims: Readonly<Record<string, unknown>>, name: 'sub' | 'client_id' | 'jti'): string {
  const value = claims[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_STRING_CLAIM) {
    throw new InvalidTokenError('invalid_claims', `The token claim ${name} must be a non-empty string`);
  }
  return value;
}

function toActor(value: unknown, depth: number): Actor {
  if (depth > MAX_ACTOR_DEPTH || typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidTokenError('invalid_claims', 'The token actor (act) is malformed');
  }
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_STRING_CLAIM) {
    throw new InvalidTokenError('invalid_claims', 'The token actor (act) has no valid sub');
  }
  return act === undefined ? { sub } : { sub, act: toActor(act, depth + 1) };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
