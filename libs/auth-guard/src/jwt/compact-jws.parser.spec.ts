import { InvalidTokenError } from '../errors/auth-guard.error';
import { isCanonicalBase64url, MAX_TOKEN_LENGTH, parseCompactJws } from './compact-jws.parser';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const token = (h: unknown = { alg: 'RS256' }, p: unknown = { sub: 'a' }, s = 'c2ln') => `${b64(h)}.${b64(p)}.${s}`;
const codeOf = (t: string) => {
  try {
    parseCompactJws(t);
    return 'ok';
  } catch (e) {
    return e instanceof InvalidTokenError ? e.code : 'other';
  }
};

describe('parseCompactJws', () => {
  it('parses a well-formed token', () => {
    const parsed = parseCompactJws(token());
    expect(parsed.header).toEqual({ alg: 'RS256' });
    expect(parsed.payload).toEqual({ sub: 'a' });
    expect(parsed.signature.toString()).toBe('sig');
    expect(parsed.signingInput.toString()).toBe(token().slice(0, token().lastIndexOf('.')));
  });

  it.each([
    ['too large', 'a'.repeat(MAX_TOKEN_LENGTH + 1), 'token_too_large'],
    ['two parts', `${b64({})}.${b64({})}`, 'malformed_token'],
    ['empty header', `.${b64({})}.c2ln`, 'malformed_token'],
    ['padding', `${token()}=`, 'malformed_token'],
    ['standard alphabet', token(undefined, undefined, 'c2+/'), 'malformed_token'],
    ['inner padding', token(undefined, undefined, 'c2=ln'), 'malformed_token'],
    ['whitespace', token(undefined, undefined, 'c2 ln'), 'malformed_token'],
    ['a character outside the alphabet', token(undefined, undefined, 'c2$ln'), 'malformed_token'],
    ['non-zero padding bits', token(undefined, undefined, 'c2l'), 'malformed_token'],
    ['invalid UTF-8', `${Buffer.from([0xff, 0xfe]).toString('base64url')}.${b64({})}.c2ln`, 'malformed_token'],
    ['header array', token([1]), 'malformed_token'],
    ['payload null', token(undefined, 'null'), 'malformed_token'],
    ['deep nesting', token(undefined, { a: JSON.parse('['.repeat(20) + ']'.repeat(20)) as unknown }), 'malformed_token'],
  ])('rejects %s', (_name, input, code) => {
    expect(codeOf(input)).toBe(code);
  });

  it('accepts nesting up to the limit, counted past many sibling brackets', () => {
    const nested = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
    // the payload object itself is one level: 15 more arrays reach the limit of 16
    expect(codeOf(token(undefined, { a: nested(15) }))).toBe('ok');
    expect(codeOf(token(undefined, { a: nested(16) }))).toBe('malformed_token');
    // many brackets, shallow: more than the limit in number, never in depth
    expect(codeOf(token(undefined, { a: Array.from({ length: 40 }, () => [{}]) }))).toBe('ok');
  });

  it('does not count brackets inside strings as nesting', () => {
    expect(codeOf(token(undefined, { s: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["\\' }))).toBe('ok');
  });

  it('accepts only canonical base64url', () => {
    expect(isCanonicalBase64url('QQ')).toBe(true); // "A"
    expect(isCanonicalBase64url('QR')).toBe(false); // same bytes, non-zero trailing bits
    expect(isCanonicalBase64url('QUE')).toBe(true);
    expect(isCanonicalBase64url('QUF')).toBe(false);
    expect(isCanonicalBase64url('Q')).toBe(false);
    expect(isCanonicalBase64url('QUFB')).toBe(true);
  });
});
