import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import type { TestIssuer, TestSigningKey } from '../testing';

/** What a bad request must produce. */
export interface Expected {
  readonly status: 400 | 401;
  readonly code: string;
  /** `bare` for a challenge without error, else the RFC 6750 error. */
  readonly challenge: 'bare' | 'invalid_request' | 'invalid_token';
}

/** Shared material of the cases. */
export interface CaseContext {
  readonly issuer: TestIssuer;
  /** A published ES256 key (of another algorithm than the RS256 signing key). */
  readonly ecKey: TestSigningKey;
}

export interface ConformanceCase {
  readonly name: string;
  /** The headers of the request (built per run: tokens are minted at run time). */
  readonly request: (ctx: CaseContext) => Promise<{ headers: Record<string, string | string[]>; path?: string }>;
  readonly expected: Expected;
}

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const withToken = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const invalid = (code: string): Expected => ({ status: 401, code, challenge: 'invalid_token' });
const badRequest: Expected = { status: 400, code: 'invalid_request', challenge: 'invalid_request' };

/** A valid-looking payload for hand-made tokens. */
function claims(ctx: CaseContext, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: ctx.issuer.issuer, aud: 'inventory', sub: 'user-1', client_id: 'orders', jti: 'j-1', iat: now(), exp: now() + 300, ...overrides };
}

function unsigned(ctx: CaseContext, alg: string, signature = ''): string {
  return `${b64({ alg, typ: 'at+jwt', kid: ctx.issuer.currentKey.kid })}.${b64(claims(ctx))}.${signature}`;
}

function hmac(ctx: CaseContext, alg: 'HS256' | 'HS384' | 'HS512', secret: string | Buffer): string {
  const input = `${b64({ alg, typ: 'at+jwt', kid: ctx.issuer.currentKey.kid })}.${b64(claims(ctx))}`;
  const digest = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg];
  return `${input}.${createHmac(digest, secret).update(input).digest('base64url')}`;
}

const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
function signedByAttacker(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), attacker.privateKey).toString('base64url')}`;
}

function mintClaims(overrides: Record<string, unknown>) {
  return async (ctx: CaseContext) => withToken(await ctx.issuer.mint(overrides));
}
function mintHeader(overrides: Record<string, unknown>) {
  return async (ctx: CaseContext) => withToken(await ctx.issuer.mint({}, overrides));
}
function tamper(edit: (token: string) => string) {
  return async (ctx: CaseContext) => withToken(edit(await ctx.issuer.mint()));
}

/** The table: every entry is a distinct attack or malformation. */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  // alg "none", several casings, with and without signature
  { name: 'alg none without signature', request: async (c) => withToken(unsigned(c, 'none')), expected: invalid('malformed_token') },
  { name: 'alg None without signature', request: async (c) => withToken(unsigned(c, 'None')), expected: invalid('malformed_token') },
  { name: 'alg NONE without signature', request: async (c) => withToken(unsigned(c, 'NONE')), expected: invalid('malformed_token') },
  { name: 'alg nOnE without signature', request: async (c) => withToken(unsigned(c, 'nOnE')), expected: invalid('malformed_token') },
  { name: 'alg none with a signature', request: async (c) => withToken(unsigned(c, 'none', 'c2lnbmF0dXJl')), expected: invalid('unsupported_algorithm') },
  { name: 'alg NONE with a real RS256 signature', request: async (c) => {
      const input = unsigned(c, 'NONE').slice(0, -1);
      return withToken(`${input}.${c.issuer.sign(input)}`);
    }, expected: invalid('unsupported_algorithm') },
  // HMAC keyed with the RSA public key (algorithm confusion)
  { name: 'HS256 keyed with the PEM public key', request: async (c) => withToken(hmac(c, 'HS256', c.issuer.currentKey.publicKeyPem)), expected: invalid('unsupported_algorithm') },
  { name: 'HS384 keyed with the PEM without trailing newline', request: async (c) => withToken(hmac(c, 'HS384', c.issuer.currentKey.publicKeyPem.trimEnd())), expected: invalid('unsupported_algorithm') },
  { name: 'HS512 keyed with the base64 DER public key', request: async (c) => withToken(hmac(c, 'HS512', c.issuer.currentKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'))), expected: invalid('unsupported_algorithm') },
  { name: 'HS256 keyed with the raw DER public key', request: async (c) => withToken(hmac(c, 'HS256', c.issuer.currentKey.publicKey.export({ type: 'spki', format: 'der' }))), expected: invalid('unsupported_algorithm') },
  { name: 'HS256 keyed with the JWK JSON', request: async (c) => withToken(hmac(c, 'HS256', JSON.stringify(c.issuer.currentKey.publicJwk))), expected: invalid('unsupported_algorithm') },
  // key material or key URLs in the header
  { name: 'embedded jwk with the attacker key', request: async (c) => withToken(signedByAttacker({ alg: 'RS256', typ: 'at+jwt', kid: 'attacker', jwk: attacker.publicKey.export({ format: 'jwk' }) }, claims(c))), expected: invalid('forbidden_header') },
  { name: 'jku pointing elsewhere', request: mintHeader({ jku: 'https://attacker.example/jwks.json' }), expected: invalid('forbidden_header') },
  { name: 'x5u pointing elsewhere', request: mintHeader({ x5u: 'https://attacker.example/cert.pem' }), expected: invalid('forbidden_header') },
  { name: 'x5c with a certificate chain', request: mintHeader({ x5c: ['MIIBszCCAVmgAwIBAgIU'] }), expected: invalid('forbidden_header') },
  // kid tricks
  { name: 'unknown kid signed by the attacker', request: async (c) => withToken(signedByAttacker({ alg: 'RS256', typ: 'at+jwt', kid: 'no-such-key' }, claims(c))), expected: invalid('unknown_key') },
  { name: 'issuer kid but attacker signature', request: async (c) => withToken(signedByAttacker({ alg: 'RS256', typ: 'at+jwt', kid: c.issuer.currentKey.kid }, claims(c))), expected: invalid('invalid_signature') },
  { name: 'kid of the ES256 key with alg RS256', request: async (c) => withToken(await c.issuer.mint({}, { kid: c.ecKey.kid })), expected: invalid('algorithm_mismatch') },
  { name: 'alg ES256 with the RSA key kid', request: async (c) => withToken(await c.issuer.mint({}, { alg: 'ES256' })), expected: invalid('algorithm_mismatch') },
  { name: 'kid path traversal', request: mintHeader({ kid: '../../dev/null' }), expected: invalid('unknown_key') },
  { name: 'kid SQL injection', request: mintHeader({ kid: "' OR '1'='1" }), expected: invalid('unknown_key') },
  { name: 'kid empty', request: mintHeader({ kid: '' }), expected: invalid('invalid_key_id') },
  { name: 'kid not a string', request: mintHeader({ kid: 42 }), expected: invalid('invalid_key_id') },
  { name: 'kid very long', request: mintHeader({ kid: 'k'.repeat(2000) }), expected: invalid('invalid_key_id') },
  { name: 'kid missing', request: mintHeader({ kid: undefined }), expected: invalid('invalid_key_id') },
  // typ and crit
  { name: 'typ JWT', request: mintHeader({ typ: 'JWT' }), expected: invalid('invalid_token_type') },
  { name: 'typ missing', request: mintHeader({ typ: undefined }), expected: invalid('invalid_token_type') },
  { name: 'typ id_token+jwt', request: mintHeader({ typ: 'id_token+jwt' }), expected: invalid('invalid_token_type') },
  { name: 'crit with an unknown extension', request: mintHeader({ crit: ['x-ext'], 'x-ext': true }), expected: invalid('unsupported_critical_header') },
  // claims
  { name: 'wrong iss', request: mintClaims({ iss: 'https://evil.example' }), expected: invalid('invalid_issuer') },
  { name: 'iss with a trailing slash', request: async (c) => withToken(await c.issuer.mint({ iss: `${c.issuer.issuer}/` })), expected: invalid('invalid_issuer') },
  { name: 'wrong aud', request: mintClaims({ aud: 'orders' }), expected: invalid('invalid_audience') },
  { name: 'aud array without us', request: mintClaims({ aud: ['orders', 'billing'] }), expected: invalid('invalid_audience') },
  { name: 'missing exp', request: mintClaims({ exp: undefined }), expected: invalid('invalid_claims') },
  { name: 'exp in the past', request: async (c) => withToken(await c.issuer.mint({ iat: now() - 600, exp: now() - 120 })), expected: invalid('token_expired') },
  { name: 'nbf in the future', request: async (c) => withToken(await c.issuer.mint({ nbf: now() + 120 })), expected: invalid('token_not_yet_valid') },
  { name: 'iat in the future', request: async (c) => withToken(await c.issuer.mint({ iat: now() + 120, exp: now() + 400 })), expected: invalid('invalid_issued_at') },
  { name: 'iat missing', request: mintClaims({ iat: undefined }), expected: invalid('invalid_issued_at') },
  { name: 'lifetime too long', request: async (c) => withToken(await c.issuer.mint({ iat: now(), exp: now() + 7200 })), expected: invalid('token_too_old') },
  { name: 'token too old', request: async (c) => withToken(await c.issuer.mint({ iat: now() - 4000, exp: now() + 60 })), expected: invalid('token_too_old') },
  { name: 'missing sub', request: mintClaims({ sub: undefined }), expected: invalid('invalid_claims') },
  { name: 'missing client_id', request: mintClaims({ client_id: undefined }), expected: invalid('invalid_claims') },
  { name: 'missing jti', request: mintClaims({ jti: undefined }), expected: invalid('invalid_claims') },
  { name: 'sub not a string', request: mintClaims({ sub: 1234 }), expected: invalid('invalid_claims') },
  { name: 'exp as a string', request: async (c) => withToken(await c.issuer.mint({ exp: String(now() + 300) })), expected: invalid('invalid_claims') },
  { name: 'exp huge', request: mintClaims({ exp: 1e308 }), expected: invalid('token_too_old') },
  { name: 'scope not a string', request: mintClaims({ scope: ['inventory:read'] }), expected: invalid('invalid_claims') },
  { name: 'act without sub', request: mintClaims({ act: { client: 'orders' } }), expected: invalid('invalid_claims') },
  // malformed encodings
  { name: 'padded signature', request: tamper((t) => `${t}==`), expected: invalid('malformed_token') },
  { name: 'padded header', request: tamper((t) => t.replace('.', '=.')), expected: badRequest },
  { name: 'standard base64 characters', request: tamper((t) => `${t.slice(0, t.lastIndexOf('.') + 1)}+/${t.slice(t.lastIndexOf('.') + 3)}`), expected: invalid('malformed_token') },
  { name: 'whitespace inside the token', request: tamper((t) => t.replace('.', ' .')), expected: badRequest },
  { name: 'a character outside b64token in the signature', request: tamper((t) => `${t.slice(0, -1)}!`), expected: badRequest },
  { name: 'a quote after a valid token', request: tamper((t) => `${t}"`), expected: badRequest },
  { name: 'two parts', request: tamper((t) => t.slice(0, t.lastIndexOf('.'))), expected: invalid('malformed_token') },
  { name: 'four parts', request: tamper((t) => `${t}.${t.split('.')[2]}`), expected: invalid('malformed_token') },
  { name: 'empty signature', request: tamper((t) => t.slice(0, t.lastIndexOf('.') + 1)), expected: invalid('malformed_token') },
  { name: 'header not JSON', request: async (c) => withToken(await c.issuer.mintRaw({ header: '{"alg":"RS256",', payload: claims(c) })), expected: invalid('malformed_token') },
  { name: 'payload a JSON array', request: async (c) => withToken(await c.issuer.mintRaw({ header: { alg: 'RS256', typ: 'at+jwt', kid: c.issuer.currentKey.kid }, payload: [claims(c)] })), expected: invalid('malformed_token') },
  { name: 'payload a JSON number', request: async (c) => withToken(await c.issuer.mintRaw({ header: { alg: 'RS256', typ: 'at+jwt', kid: c.issuer.currentKey.kid }, payload: '42' })), expected: invalid('malformed_token') },
  { name: 'non-canonical base64url', request: tamper((t) => `${t.slice(0, -1)}${t.endsWith('B') ? 'C' : 'B'}`), expected: invalid('malformed_token') },
  { name: 'trailing garbage', request: tamper((t) => `${t}~~`), expected: invalid('malformed_token') },
  { name: 'tampered payload', request: async (c) => {
      const [h, , s] = (await c.issuer.mint()).split('.');
      return withToken(`${h}.${b64(claims(c, { sub: 'admin' }))}.${s}`);
    }, expected: invalid('invalid_signature') },
  { name: 'oversized token', request: mintClaims({ padding: 'x'.repeat(9000) }), expected: invalid('token_too_large') },
  { name: 'deeply nested payload', request: mintClaims({ nested: JSON.parse('['.repeat(200) + ']'.repeat(200)) as unknown }), expected: invalid('malformed_token') },
  // Authorization header variants
  { name: 'no Authorization header', request: async () => ({ headers: {} }), expected: { status: 401, code: 'missing_token', challenge: 'bare' } },
  { name: 'Basic credentials', request: async () => ({ headers: { authorization: 'Basic b3JkZXJzOnNlY3JldA==' } }), expected: { status: 401, code: 'missing_token', challenge: 'bare' } },
  { name: 'Bearer without a token', request: async () => ({ headers: { authorization: 'Bearer' } }), expected: badRequest },
  { name: 'empty Authorization header', request: async () => ({ headers: { authorization: '' } }), expected: badRequest },
  { name: 'two tokens', request: async (c) => ({ headers: { authorization: `Bearer ${await c.issuer.mint()} ${await c.issuer.mint()}` } }), expected: badRequest },
  { name: 'two schemes', request: async (c) => ({ headers: { authorization: `Bearer ${await c.issuer.mint()}, Basic b3JkZXJz` } }), expected: badRequest },
  { name: 'two Authorization headers', request: async (c) => ({ headers: { authorization: [`Bearer ${await c.issuer.mint()}`, `Bearer ${await c.issuer.mint()}`] } }), expected: badRequest },
  { name: 'token in the query and the header', request: async (c) => {
      const token = await c.issuer.mint();
      return { headers: { authorization: `Bearer ${token}` }, path: `/me?access_token=${token}` };
    }, expected: badRequest },
  { name: 'token only in the query', request: async (c) => ({ headers: {}, path: `/me?access_token=${await c.issuer.mint()}` }), expected: badRequest },
];
