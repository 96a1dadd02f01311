/** Stable codes of outbound failures. */
export type OutboundErrorCode =
  | 'outbound_not_configured'
  | 'auth_unreachable'
  | 'auth_rejected'
  | 'auth_invalid_response'
  | 'subject_token_unavailable'
  | 'target_unreachable'
  | 'target_error';

/**
 * Base class of outbound failures. Messages never contain secrets or tokens. Suggested mapping
 * for a service answering its own caller: `auth_*` → 503, `target_unreachable` → 503 (or 504
 * on timeout), `target_error` → 502 (or the target's 4xx when it is the caller's fault).
 */
export abstract class OutboundError extends Error {
  abstract readonly code: OutboundErrorCode;
  override get name(): string {
    return this.constructor.name;
  }
}

/** The outbound side is used but `client` options are missing. */
export class OutboundNotConfiguredError extends OutboundError {
  readonly code = 'outbound_not_configured';
  constructor() {
    super('Outbound calls need the "client" options of AuthGuardModule (clientId, clientSecret, optional tokenUrl)');
  }
}

/**
 * The token endpoint could not provide a token: unreachable, timed out or 5xx after the retries
 * (`auth_unreachable`), refused the request with a 4xx (`auth_rejected`, with the RFC 6749
 * §5.2 `oauthError`), or answered something that is not a token response
 * (`auth_invalid_response`).
 */
export class TokenEndpointError extends OutboundError {
  constructor(
    readonly code: 'auth_unreachable' | 'auth_rejected' | 'auth_invalid_response',
    message: string,
    /** HTTP status of the last answer, if any. */
    readonly status?: number,
    /** RFC 6749 §5.2 `error` of a rejection, e.g. `invalid_client`. */
    readonly oauthError?: string,
  ) {
    super(message);
  }
}

/** `onBehalfOf(principal)` with a principal that was not verified by this guard. */
export class SubjectTokenUnavailableError extends OutboundError {
  readonly code = 'subject_token_unavailable';
  constructor() {
    super('No access token is known for this principal; pass the raw token instead');
  }
}

/** The target service could not be reached or did not answer within the timeout. */
export class TargetUnreachableError extends OutboundError {
  readonly code = 'target_unreachable';
  constructor(
    readonly audience: string,
    /** True when the request timed out (vs. refused, reset, DNS...). */
    readonly timedOut: boolean,
  ) {
    super(`Service "${audience}" is unreachable${timedOut ? ' (timeout)' : ''}`);
  }
}

/** The target service answered with a 4xx or 5xx status. */
export class TargetResponseError extends OutboundError {
  readonly code = 'target_error';
  constructor(
    readonly audience: string,
    readonly status: number,
    /** The response body (parsed JSON when it is JSON, else text). */
    readonly body: unknown,
  ) {
    super(`Service "${audience}" answered ${status}`);
  }
}

/** True for the error of an aborted `AbortSignal.timeout` (checked by name: errors may come from another realm). */
export function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
}
