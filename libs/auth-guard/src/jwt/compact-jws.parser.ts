import { InvalidTokenError } from '../errors/auth-guard.error';

/** Largest token accepted, checked before any parsing. */
export const MAX_TOKEN_LENGTH = 8 * 1024;
/** Deepest JSON nesting accepted in the header or payload. */
export const MAX_JSON_DEPTH = 16;

/** A header already decoded (and checked) from an identical first part. */
export interface KnownJoseHeader {
  readonly header: Readonly<Record<string, unknown>>;
}

/** A syntactically valid JWS in compact serialization; the signature is not checked yet. */
export interface ParsedJws<K extends KnownJoseHeader = KnownJoseHeader> {
  /** The first part as it appears in the token (BASE64URL of the header). */
  readonly headerPart: string;
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `BASE64URL(header) || '.' || BASE64URL(payload)` as bytes. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
  /** The entry of `knownHeaders` the header was taken from, if it was. */
  readonly known: K | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a compact JWS strictly (RFC 7515 §7.1, RFC 8725 §3.11): at most
 * {@link MAX_TOKEN_LENGTH} characters, exactly three non-empty parts, each unpadded canonical
 * base64url (no `=`, `+`, `/`, whitespace, or non-zero trailing bits), a header and payload that
 * are UTF-8 JSON objects nested at most {@link MAX_JSON_DEPTH} deep.
 * Throws {@link InvalidTokenError} (`token_too_large` / `malformed_token`).
 *
 * `knownHeaders` may hold the header already decoded from an identical first part (a header
 * that passed these checks before), keyed by that part; it is then not decoded again.
 */
export function parseCompactJws<K extends KnownJoseHeader = KnownJoseHeader>(token: string, knownHeaders?: ReadonlyMap<string, K>): ParsedJws<K> {
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new InvalidTokenError('token_too_large', `The token exceeds ${MAX_TOKEN_LENGTH} characters`);
  }
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || second === token.length - 1 || token.indexOf('.', second + 1) !== -1) {
    throw malformed('The token is not a compact JWS of three non-empty parts');
  }
  const headerPart = token.slice(0, first);
  const known = knownHeaders?.get(headerPart);
  const headerBytes = known ? undefined : decodeCanonicalBase64url(headerPart);
  const payloadBytes = decodeCanonicalBase64url(token.slice(first + 1, second));
  const signature = decodeCanonicalBase64url(token.slice(second + 1));
  if ((!known && !headerBytes) || !payloadBytes || !signature) throw malformed('The token is not canonical unpadded base64url');
  return {
    headerPart,
    header: known ? known.header : decodeJsonObject(headerBytes as Buffer, 'header'),
    payload: decodeJsonObject(payloadBytes, 'payload'),
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
    signature,
    known,
  };
}

/**
 * Decodes unpadded base64url, or returns `undefined` unless `part` is the one canonical encoding
 * of its bytes: only the URL-safe alphabet, no `=`, no whitespace, a possible length (not 1 mod
 * 4) and no non-zero padding bits in the last character. Node's decoder is lenient (it accepts
 * both alphabets, padding and whitespace and skips what it cannot read), so the bytes are
 * encoded again and must give back exactly `part`: one strict check, at the cost of an encode.
 */
export function decodeCanonicalBase64url(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, 'base64url');
  return bytes.length > 0 && bytes.toString('base64url') === part ? bytes : undefined;
}

/** True for unpadded base64url that is the canonical encoding of its bytes. */
export function isCanonicalBase64url(part: string): boolean {
  return decodeCanonicalBase64url(part) !== undefined;
}

function decodeJsonObject(bytes: Buffer, what: 'header' | 'payload'): Readonly<Record<string, unknown>> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw malformed(`The token ${what} is not UTF-8`);
  }
  if (!withinDepth(text, MAX_JSON_DEPTH)) throw malformed(`The token ${what} is nested too deeply`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(`The token ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`The token ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Tells whether `[`/`{` nesting (outside strings) stays within `max`. Nesting deeper than `max`
 * needs more than `max` opening brackets, so text with few of them (every real token) is
 * accepted after a count with `indexOf`; only the rest is scanned character by character.
 */
function withinDepth(text: string, max: number): boolean {
  let brackets = 0;
  for (let i = text.indexOf('{'); i >= 0 && brackets <= max; i = text.indexOf('{', i + 1)) brackets++;
  for (let i = text.indexOf('['); i >= 0 && brackets <= max; i = text.indexOf('[', i + 1)) brackets++;
  if (brackets <= max) return true;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return false;
    } else if (c === 125 || c === 93) depth--;
  }
  return true;
}

function malformed(description: string): InvalidTokenError {
  return new InvalidTokenError('malformed_token', description);
}
