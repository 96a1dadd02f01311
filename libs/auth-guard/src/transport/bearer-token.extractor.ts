import { InvalidRequestError, MissingTokenError } from '../errors/auth-guard.error';

/** The parts of an HTTP request (Express, Fastify or plain Node) the extractor reads. */
export interface BearerRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Raw header list (Node), used to detect repeated `Authorization` headers. */
  readonly rawHeaders?: readonly string[];
  /** The Node request behind a framework request (Fastify), for its `rawHeaders`. */
  readonly raw?: { readonly rawHeaders?: readonly string[] };
  /** Request target, used to refuse tokens sent in the URI query. */
  readonly url?: string;
}

/** RFC 6750 §2.1: `Bearer 1*SP b64token`, scheme case-insensitive. */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const BEARER_ANYWHERE = /(^|[\s,])bearer(\s|$)/i;
/** The b64token of RFC 6750 §2.1, alone. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Extracts the bearer token of a request from its `Authorization` header (RFC 6750 §2.1, the
 * only method accepted):
 *
 * - no `Authorization` header, or credentials of another scheme (e.g. `Basic`) →
 *   {@link MissingTokenError} (401, bare challenge);
 * - an empty header, repeated headers, a `Bearer` scheme without a token or with several,
 *   several schemes, or a token in the URI query (`access_token`) → {@link InvalidRequestError}
 *   (400 `invalid_request`).
 *
 * The token itself is not inspected here beyond its character set.
 */
export function extractBearerToken(request: BearerRequest): string {
  return extract(request, true);
}

/**
 * {@link extractBearerToken} for a caller that verifies the token at once: in the usual form,
 * `Bearer <token>`, the token's characters are not checked here. Only a b64token can be a
 * compact JWS that verifies, so the caller checks them with {@link isB64Token} only when
 * verification fails, and then answers {@link malformedBearerHeader} (400) as this extractor
 * would have: the same answer for every request, without a scan of every valid token.
 */
export function extractBearerTokenUnchecked(request: BearerRequest): string {
  return extract(request, false);
}

/** True if `token` has the syntax of RFC 6750 §2.1's b64token. */
export function isB64Token(token: string): boolean {
  return B64TOKEN.test(token);
}

/** The error for a `Bearer` header whose credentials are not exactly one b64token. */
export function malformedBearerHeader(): InvalidRequestError {
  return new InvalidRequestError('The Authorization header must be the Bearer scheme followed by exactly one token');
}

function extract(request: BearerRequest, checkCharacters: boolean): string {
  const rawHeaders = request.rawHeaders ?? request.raw?.rawHeaders;
  if (rawHeaders && countAuthorizationHeaders(rawHeaders) > 1) {
    throw new InvalidRequestError('The request has more than one Authorization header');
  }
  const header = request.headers['authorization'];
  if (request.url !== undefined && hasQueryToken(request.url)) {
    throw new InvalidRequestError(
      header === undefined ? 'Access tokens are not accepted in the URI query; use the Authorization header' : 'The request carries a token in the URI query and in the Authorization header',
    );
  }
  return parseHeader(header, checkCharacters);
}

/** Parses one `Authorization` header value (also used for RPC message headers). */
export function parseAuthorizationHeader(header: string | readonly string[] | undefined): string {
  return parseHeader(header, true);
}

function parseHeader(header: string | readonly string[] | undefined, checkCharacters: boolean): string {
  if (header === undefined) throw new MissingTokenError();
  if (typeof header !== 'string') throw new InvalidRequestError('The request has more than one Authorization header');
  const value = header.trim();
  if (value.length === 0) throw new InvalidRequestError('The Authorization header is empty');
  // The usual form, `Bearer <token>` with one space, is recognised without making a match array.
  if (value.startsWith('Bearer ') && value.charCodeAt(7) !== 32) {
    const token = value.slice(7);
    if (!checkCharacters || B64TOKEN.test(token)) return token;
  }
  const match = BEARER.exec(value);
  if (match?.[1]) return match[1];
  if (!/^bearer(\s|$)/i.test(value) && !BEARER_ANYWHERE.test(value)) {
    // Credentials of another scheme: the client did not attempt bearer authentication.
    throw new MissingTokenError();
  }
  throw malformedBearerHeader();
}

function countAuthorizationHeaders(raw: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (name.length === 13 && name.toLowerCase() === 'authorization') count++;
  }
  return count;
}

function hasQueryToken(url: string): boolean {
  const q = url.indexOf('?');
  if (q < 0 || url.indexOf('access_token', q) < 0) return false;
  return new URLSearchParams(url.slice(q + 1)).has('access_token');
}
