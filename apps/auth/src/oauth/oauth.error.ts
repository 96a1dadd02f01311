/** The error codes of RFC 6749 §5.2, RFC 7009, RFC 8693 and RFC 8707 this issuer emits. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type'
  | 'invalid_credentials'
  | 'temporarily_unavailable';

/**
 * An error the token, introspection, revocation and session endpoints answer with, as JSON
 * `{error, error_description}` (RFC 6749 §5.2). `invalid_client` is 401 with a Basic challenge.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(description);
  }

  static invalidClient(description = 'Client authentication failed.'): OAuthError {
    return new OAuthError('invalid_client', description, 401, { 'WWW-Authenticate': 'Basic realm="auth", charset="UTF-8"' });
  }

  static invalidRequest(description: string): OAuthError {
    return new OAuthError('invalid_request', description);
  }
}
