import { InvalidTokenError } from '../errors/auth-guard.error';

/** Largest token accepted, checked before any parsing. */
export const MAX_TOKEN_LENGTH = 8 * 1024;
/** Deepest JSON nesting accepted in the header or payload. */
export const MAX_JSON_DEPTH = 16;

/** A syntactically valid JWS in compact serialization; the signature is not checked yet. */
export interface ParsedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `BASE64URL(header) || '.' || BASE64URL(payload)` as bytes. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a compact JWS strictly (RFC 7515 §7.1, RFC 8725 §3.11): at most
 * {@link MAX_TOKEN_LENGTH} characters, exactly three non-empty parts, each unpadded canonical
 * base64url (no `=`, `+`, `/`, whitespace, or non-zero trailing bits), a header and payload that
 * are UTF-8 JSON objects nested at most {@link MAX_JSON_DEPTH} deep.
 * Throws {@link InvalidTokenError} (`token_too_large` / `malformed_token`).
 */
export function parseCompactJws(token: string): ParsedJws {
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new InvalidTokenError('token_too_large', `The token exceeds ${MAX_TOKEN_LENGTH} characters`);
  }
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || second === token.length - 1 || token.indexOf('.', second + 1) !== -1) {
    throw malformed('The token is not a compact JWS of three non-empty parts');
  }
  const headerPart = token.slice(0, first);
  const payloadPart = token.slice(first + 1, second);
  const signaturePart = token.slice(second + 1);
  if (!isCanonicalBase64url(headerPart) || !isCanonicalBase64url(payloadPart) || !isCanonicalBase64url(signaturePart)) {
    throw malformed('The token is not canonical unpadded base64url');
  }
  return {
    header: decodeJsonObject(headerPart, 'header'),
    payload: decodeJsonObject(payloadPart, 'payload'),
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}

/**
 * True for unpadded base64url whose length is possible (not 1 mod 4) and whose last character
 * carries no non-zero padding bits, so exactly one string encodes given bytes.
 */
export function isCanonicalBase64url(part: string): boolean {
  if (!BASE64URL.test(part)) return false;
  const rest = part.length % 4;
  if (rest === 1) return false;
  if (rest === 0) return true;
  const last = sextet(part.charCodeAt(part.length - 1));
  return rest === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}

function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  return code === 45 ? 62 : 63; // '-' or '_'
}

function decodeJsonObject(part: string, what: 'header' | 'payload'): Readonly<Record<string, unknown>> {
  let text: string;
  try {
    text = utf8.decode(Buffer.from(part, 'base64url'));
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

/** Scans JSON text (outside strings) and tells whether `[`/`{` nesting stays within `max`. */
function withinDepth(text: string, max: number): boolean {
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
