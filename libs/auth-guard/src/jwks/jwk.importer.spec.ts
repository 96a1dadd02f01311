import { generateKeyPairSync } from 'node:crypto';
import { importJwk, isVerificationKey } from './jwk.importer';

const rsa = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid: 'r' };
const ec = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'e' };
const ed = { ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: 'd' };
const small = { ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 's', alg: 'RS256' };
const all = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
const algOf = (jwk: unknown, allowed: readonly string[] = all) => {
  const r = importJwk(jwk, allowed as typeof all[number][]);
  return isVerificationKey(r) ? r.alg : `rejected: ${r.reason}`;
};

describe('importJwk', () => {
  it('binds each key to one algorithm', () => {
    expect(algOf({ ...rsa, alg: 'RS256' })).toBe('RS256');
    expect(algOf({ ...rsa, alg: 'PS256' })).toBe('PS256');
    expect(algOf(ec)).toBe('ES256');
    expect(algOf(ed)).toBe('EdDSA');
  });

  it.each([
    ['RSA without alg (ambiguous)', rsa],
    ['alg incompatible with kty', { ...ec, alg: 'RS256' }],
    ['curve incompatible with alg', { ...ec, alg: 'ES384' }],
    ['use enc', { ...ec, use: 'enc' }],
    ['key_ops without verify', { ...ec, key_ops: ['encrypt'] }],
    ['symmetric key', { kty: 'oct', kid: 'h', k: 'c2VjcmV0', alg: 'HS256' }],
    ['missing kid', { ...ec, kid: undefined }],
    ['missing member', { ...ec, y: undefined }],
    ['RSA shorter than 2048 bits', small],
    ['garbage key material', { ...ec, x: 'AAAA' }],
    ['not an object', 'key'],
  ])('rejects %s', (_name, jwk) => {
    expect(algOf(jwk)).toMatch(/^rejected/);
  });

  it('ignores keys whose algorithm is not allowed', () => {
    expect(algOf(ed, ['RS256'])).toMatch(/not allowed/);
  });
});
