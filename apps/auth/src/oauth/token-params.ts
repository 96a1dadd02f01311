import { OAuthError } from './oauth.error';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Reads an OAuth request's form parameters: the body must be form-encoded (RFC 6749 §4.4.2),
 * every parameter a single string (a repeated one is refused, §3.1), empty ones treated as absent.
 */
export function readFormParams(contentType: string | undefined, body: unknown): Record<string, string> {
  if (!contentType || contentType.split(';')[0].trim().toLowerCase() !== FORM) {
    throw OAuthError.invalidRequest(`The request body must be ${FORM}.`);
  }
  if (body === null || typeof body !== 'object') {
    throw OAuthError.invalidRequest('The request has no parameters.');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') {
      throw OAuthError.invalidRequest(`Parameter "${name}" must appear once.`);
    }
    if (value !== '') params[name] = value;
  }
  return params;
}

/** The parameter `name`, or `invalid_request` naming it when it is missing. */
export function required(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined) throw OAuthError.invalidRequest(`Parameter "${name}" is required.`);
  return value;
}

/** Splits a `scope` parameter (RFC 6749 §3.3) into distinct scope tokens. */
export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  if (!/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(scope)) {
    throw new OAuthError('invalid_scope', 'The scope parameter is malformed.');
  }
  return [...new Set(scope.split(' '))];
}

/** The token-endpoint response (RFC 6749 §5.1, RFC 8693 §2.2.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  issued_token_type?: string;
}
