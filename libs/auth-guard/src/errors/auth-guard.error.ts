/**
 * The error hierarchy of the verify side. Every rejection the guard produces is one of these:
 * a stable machine `code`, the HTTP `status` it maps to, and the RFC 6750 `error` that goes into
 * the `WWW-Authenticate` challenge (none for a request that carried no credentials at all).
 *
 * Messages (`description`) never contain the token or any part of it.
 */

/** The RFC 6750 §3.1 error codes. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** The stable `code` values of rejected requests, one per reason. */
export type AuthErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'token_too_large'
  | 'malformed_token'
  | 'invalid_token_type'
  | 'unsupported_algorithm'
  | 'forbidden_header'
  | 'unsupported_critical_header'
  | 'invalid_key_id'
  | 'unknown_key'
  | 'algorithm_mismatch'
  | 'invalid_signature'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'invalid_issued_at'
  | 'token_too_old'
  | 'invalid_claims'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'caller_not_allowed'
  | 'actor_not_allowed';

/** Base class of every rejection of an inbound request. */
export abstract class AuthGuardError extends Error {
  /** Stable machine-readable reason, e.g. `token_expired`. */
  abstract readonly code: AuthErrorCode;
  /** HTTP status the rejection maps to (400, 401 or 403). */
  abstract readonly status: 400 | 401 | 403;
  /** RFC 6750 error code for the challenge; `undefined` means a bare challenge. */
  abstract readonly bearerError: BearerErrorCode | undefined;

  constructor(readonly description: string) {
    super(description);
  }

  override get name(): string {
    return this.constructor.name;
  }

  /**
   * The `WWW-Authenticate` header value (RFC 6750 §3) for this rejection in `realm`.
   * Quoted-string values are escaped so no description can break the header syntax.
   */
  wwwAuthenticate(realm: string): string {
    const params = [`realm=${quote(realm)}`];
    if (this.bearerError) {
      params.push(`error=${quote(this.bearerError)}`, `error_description=${quote(this.description)}`);
    }
    const scope = this.challengeScope();
    if (scope) params.push(`scope=${quote(scope)}`);
    return `Bearer ${params.join(', ')}`;
  }

  /** Scope to advertise in the challenge (only {@link InsufficientScopeError} has one). */
  protected challengeScope(): string | undefined {
    return undefined;
  }
}

/** Quotes a header parameter value: printable ASCII only, `"` and `\` escaped. */
function quote(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return `"${printable.replace(/["\\]/g, '\\$&')}"`;
}

/** No credentials for this scheme: answered with a bare challenge (RFC 6750 §3.1). */
export class MissingTokenError extends AuthGuardError {
  readonly code = 'missing_token';
  readonly status = 401;
  readonly bearerError = undefined;
  constructor(description = 'A bearer access token is required') {
    super(description);
  }
}

/** The request carries credentials in a malformed way (400 `invalid_request`). */
export class InvalidRequestError extends AuthGuardError {
  readonly code = 'invalid_request';
  readonly status = 400;
  readonly bearerError = 'invalid_request';
}

/** The token is malformed, expired, not for us or otherwise invalid (401 `invalid_token`). */
export class InvalidTokenError extends AuthGuardError {
  readonly status = 401;
  readonly bearerError = 'invalid_token';
  constructor(
    readonly code: Exclude<
      AuthErrorCode,
      'missing_token' | 'invalid_request' | 'insufficient_scope' | 'caller_not_allowed' | 'actor_not_allowed'
    >,
    description: string,
  ) {
    super(description);
  }
}

/** A valid token lacks the scopes the route requires (403 `insufficient_scope`). */
export class InsufficientScopeError extends AuthGuardError {
  readonly code = 'insufficient_scope';
  readonly status = 403;
  readonly bearerError = 'insufficient_scope';
  constructor(readonly requiredScopes: readonly string[]) {
    super(`The token lacks a required scope: ${requiredScopes.join(' ')}`);
  }
  protected override challengeScope(): string {
    return this.requiredScopes.join(' ');
  }
}

/**
 * A valid token from a caller (`client_id`) or actor (`act.sub`) the route does not allow.
 * 403 with `error="insufficient_scope"` in the challenge (the only RFC 6750 code for a valid
 * token lacking privileges); the body `code` tells which rule failed.
 */
export class ForbiddenCallerError extends AuthGuardError {
  readonly status = 403;
  readonly bearerError = 'insufficient_scope';
  constructor(
    readonly code: 'caller_not_allowed' | 'actor_not_allowed',
    description: string,
  ) {
    super(description);
  }
}
