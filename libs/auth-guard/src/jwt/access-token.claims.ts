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
 * The principal the verifier builds. The raw token it was verified from is a private field:
 * invisible to JSON, spreading, `Object.keys` and equality checks, and only readable through
 * {@link rawTokenSlot}. Every instance has the same shape (`actor` is set, possibly undefined, in
 * the constructor), which keeps property access on principals monomorphic.
 */
class VerifiedPrincipal implements Principal {
  readonly #rawToken: string | undefined;
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly audience: string;
  readonly actor?: Actor;
  readonly roles: readonly string[];
  readonly tokenId: string;
  readonly expiresAt: number;
  readonly claims: Readonly<Record<string, unknown>>;

  constructor(fields: Principal, rawToken: string | undefined) {
    this.#rawToken = rawToken;
    this.sub = fields.sub;
    this.clientId = fields.clientId;
    this.scopes = fields.scopes;
    this.audience = fields.audience;
    this.actor = fields.actor;
    this.roles = fields.roles;
    this.tokenId = fields.tokenId;
    this.expiresAt = fields.expiresAt;
    this.claims = fields.claims;
  }

  static rawTokenOf(principal: Principal): string | undefined {
    return #rawToken in principal ? (principal as VerifiedPrincipal).#rawToken : undefined;
  }
}

/** The raw token a principal built by {@link checkClaims} was verified from, if any. */
export function rawTokenSlot(principal: Principal): string | undefined {
  return VerifiedPrincipal.rawTokenOf(principal);
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
): Principal {
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
  checkTimeClaims(exp, iat, nbf, rules, nowSeconds);
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
  deepFreeze(claims);
  const principal = new VerifiedPrincipal(
    {
      sub,
      clientId,
      scopes: scopesOf(scope),
      audience: rules.audience,
      actor,
      roles: roles && (roles as string[]).length > 0 ? Object.freeze([...(roles as string[])]) : NONE,
      tokenId: jti,
      expiresAt: exp,
      claims,
    },
    rawToken,
  );
  return Object.freeze(principal);
}

/** The time claims of a principal built by {@link checkClaims} (for the verified-token cache). */
export function timesOf(principal: Principal): TokenTimes {
  const nbf = principal.claims['nbf'];
  return { exp: principal.expiresAt, iat: principal.claims['iat'] as number, nbf: typeof nbf === 'number' ? nbf : undefined };
}

/**
 * The time rules, checked on every request: not expired (`exp` + tolerance), not before `nbf`
 * and not issued in the future (− tolerance), not older than the maximum age (+ tolerance).
 */
export function checkTimes(times: TokenTimes, rules: ClaimRules, nowSeconds: number): void {
  checkTimeClaims(times.exp, times.iat, times.nbf, rules, nowSeconds);
}

function checkTimeClaims(exp: number, iat: number, nbf: number | undefined, rules: ClaimRules, nowSeconds: number): void {
  const tolerance = rules.clockToleranceSeconds;
  if (nowSeconds >= exp + tolerance) throw new InvalidTokenError('token_expired', 'The token has expired');
  if (nbf !== undefined && nbf > nowSeconds + tolerance) {
    throw new InvalidTokenError('token_not_yet_valid', 'The token is not valid yet (nbf)');
  }
  if (iat > nowSeconds + tolerance) throw new InvalidTokenError('invalid_issued_at', 'The token was issued in the future (iat)');
  if (nowSeconds - iat > rules.maxTokenAgeSeconds + tolerance) {
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

const NONE: readonly string[] = Object.freeze([]);
const MAX_CACHED_SCOPE_LISTS = 256;
const scopeLists = new Map<string, readonly string[]>();

/**
 * The `scope` claim split on spaces, as a frozen array. Frozen arrays can be shared, and tokens
 * carry few distinct scope strings, so each list is made once (a bounded table, emptied when
 * full) rather than split on every request.
 */
function scopesOf(scope: string | undefined): readonly string[] {
  if (!scope) return NONE;
  let list = scopeLists.get(scope);
  if (!list) {
    list = Object.freeze(scope.split(' ').filter((s) => s.length > 0));
    if (scope.length <= MAX_STRING_CLAIM) {
      if (scopeLists.size >= MAX_CACHED_SCOPE_LISTS) scopeLists.clear();
      scopeLists.set(scope, list);
    }
  }
  return list;
}

/** A frozen copy of the `act` chain (each level frozen). */
function toActor(value: unknown, depth: number): Actor {
  if (depth > MAX_ACTOR_DEPTH || typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidTokenError('invalid_claims', 'The token actor (act) is malformed');
  }
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_STRING_CLAIM) {
    throw new InvalidTokenError('invalid_claims', 'The token actor (act) has no valid sub');
  }
  return Object.freeze(act === undefined ? { sub } : { sub, act: toActor(act, depth + 1) });
}

/** Freezes a parsed JSON value and everything in it (a loop over keys, no arrays allocated). */
function deepFreeze(value: object): void {
  Object.freeze(value);
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) deepFreeze(child);
  }
}
