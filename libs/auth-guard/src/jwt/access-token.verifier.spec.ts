import { InvalidTokenError } from '../errors/auth-guard.error';
import { JwksKeySource } from '../jwks/jwks-key.source';
import { TestIssuer } from '../testing';
import { AccessTokenVerifier, rawTokenOf } from './access-token.verifier';

describe('AccessTokenVerifier with a frozen clock', () => {
  let issuer: TestIssuer;
  let keys: JwksKeySource;
  const T0 = 1_700_000_000;
  let now = T0 * 1000;
  const make = (cache?: number) =>
    new AccessTokenVerifier(
      { issuer: issuer.issuer, audience: 'inventory', algorithms: ['RS256', 'ES256', 'EdDSA'], clockToleranceSeconds: 30, maxTokenAgeSeconds: 3600, now: () => now, ...(cache ? { tokenCacheMaxEntries: cache } : {}) },
      keys,
    );
  const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof InvalidTokenError ? e.code : String(e)));

  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory', alg: 'ES256' });
    keys = new JwksKeySource({ jwksUri: issuer.jwksUri, algorithms: ['RS256', 'ES256', 'EdDSA'], cacheMaxAgeMs: 1e9, refetchCooldownMs: 1e9, fetchTimeoutMs: 1000, now: () => now });
    await keys.refresh();
  });
  afterAll(() => issuer.stop());
  beforeEach(() => {
    now = T0 * 1000;
  });

  it.each([
    ['valid', { iat: T0, exp: T0 + 300 }, 'ok'],
    ['exp within tolerance', { iat: T0 - 310, exp: T0 - 10 }, 'ok'],
    ['exp beyond tolerance', { iat: T0 - 400, exp: T0 - 30 }, 'token_expired'],
    ['nbf within tolerance', { iat: T0, exp: T0 + 300, nbf: T0 + 29 }, 'ok'],
    ['nbf beyond tolerance', { iat: T0, exp: T0 + 300, nbf: T0 + 31 }, 'token_not_yet_valid'],
    ['iat beyond tolerance', { iat: T0 + 31, exp: T0 + 300 }, 'invalid_issued_at'],
    ['lifetime exactly max', { iat: T0, exp: T0 + 3600 }, 'ok'],
    ['lifetime above max', { iat: T0, exp: T0 + 3601 }, 'token_too_old'],
    ['exp before iat', { iat: T0, exp: T0 - 1 }, 'invalid_claims'],
    ['nbf not a number', { iat: T0, exp: T0 + 60, nbf: 'soon' }, 'invalid_claims'],
    ['exp NaN-ish', { iat: T0, exp: null }, 'invalid_claims'],
    ['roles not strings', { iat: T0, exp: T0 + 60, roles: [1] }, 'invalid_claims'],
  ])('time and claim rules: %s', async (_name, claims, expected) => {
    await expect(codeOf(make().verify(await issuer.mint(claims)))).resolves.toBe(expected);
  });

  it('returns a deep-frozen principal and remembers its raw token', async () => {
    const token = await issuer.mint({ iat: T0, exp: T0 + 60, scope: 'a  b', extra: { nested: [1] } });
    const principal = await make().verify(token);
    expect(principal.scopes).toEqual(['a', 'b']);
    expect(Object.isFrozen(principal) && Object.isFrozen(principal.claims['extra'])).toBe(true);
    expect(Object.isFrozen((principal.claims['extra'] as { nested: unknown }).nested)).toBe(true);
    expect([principal.claims, principal.scopes, principal.roles].every((part) => Object.isFrozen(part))).toBe(true);
    expect(rawTokenOf(principal)).toBe(token);
    // the raw token is in no visible property: not in JSON, not carried over by a copy
    expect(JSON.stringify(principal)).not.toContain(token.split('.')[2]);
    expect(Object.getOwnPropertySymbols(principal)).toEqual([]);
    expect(rawTokenOf({ ...principal })).toBeUndefined();
  });

  it('checks each distinct header once, never letting a remembered header excuse a bad one', async () => {
    const verifier = make();
    const good = await issuer.mint({ iat: T0, exp: T0 + 60 });
    await expect(codeOf(verifier.verify(good))).resolves.toBe('ok');
    await expect(codeOf(verifier.verify(await issuer.mint({ iat: T0, exp: T0 + 60, sub: 'other' })))).resolves.toBe('ok');
    // a header that fails its rules is refused every time, and never remembered
    const badTyp = await issuer.mint({ iat: T0, exp: T0 + 60 }, { typ: 'JWT' });
    await expect(codeOf(verifier.verify(badTyp))).resolves.toBe('invalid_token_type');
    await expect(codeOf(verifier.verify(badTyp))).resolves.toBe('invalid_token_type');
    // same header, tampered signature: the remembered header does not skip the signature check
    await expect(codeOf(verifier.verify(`${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(86)}`))).resolves.toBe('invalid_signature');
    // many distinct headers: the table stays bounded and verification stays correct
    for (let i = 0; i < 40; i++) {
      await expect(codeOf(verifier.verify(await issuer.mint({ iat: T0, exp: T0 + 60 }, { 'x-n': i })))).resolves.toBe('ok');
    }
    expect((verifier as unknown as { headers: Map<string, unknown> }).headers.size).toBeLessThanOrEqual(16);
  });

  it('shares one frozen scope list between tokens with the same scope claim', async () => {
    const verifier = make();
    const a = await verifier.verify(await issuer.mint({ iat: T0, exp: T0 + 60, scope: 'x y' }));
    const b = await verifier.verify(await issuer.mint({ iat: T0, exp: T0 + 60, scope: 'x y' }));
    expect(a.scopes).toEqual(['x', 'y']);
    expect(b.scopes).toBe(a.scopes);
    expect(Object.isFrozen(a.scopes)).toBe(true);
  });

  it('freezes the actor chain of a delegated token', async () => {
    const token = await issuer.mint({ iat: T0, exp: T0 + 60, act: { sub: 'orders', act: { sub: 'gateway' } } });
    const principal = await make().verify(token);
    expect(principal.actor).toEqual({ sub: 'orders', act: { sub: 'gateway' } });
    expect(Object.isFrozen(principal.actor) && Object.isFrozen(principal.actor?.act)).toBe(true);
  });

  describe('verified-token cache', () => {
    it('serves repeated tokens from the cache but still checks expiry on every use', async () => {
      const verifier = make(10);
      const token = await issuer.mint({ iat: T0, exp: T0 + 60 });
      const first = await verifier.verify(token);
      expect(await verifier.verify(token)).toBe(first);
      now = (T0 + 95) * 1000;
      await expect(codeOf(verifier.verify(token))).resolves.toBe('token_expired');
    });

    it('never caches failures and keeps the size bounded', async () => {
      const verifier = make(2);
      const bad = await issuer.mint({ iat: T0, exp: T0 + 60, aud: 'other' });
      await expect(codeOf(verifier.verify(bad))).resolves.toBe('invalid_audience');
      await expect(codeOf(verifier.verify(bad))).resolves.toBe('invalid_audience');
      const tokens = await Promise.all([1, 2, 3].map((i) => issuer.mint({ iat: T0, exp: T0 + 60, jti: `j${i}` })));
      for (const t of tokens) await verifier.verify(t);
      expect((verifier as unknown as { cache: { size: number } }).cache.size).toBe(2);
    });

    it('is keyed by the whole token: a different signature is verified again', async () => {
      const verifier = make(10);
      const token = await issuer.mint({ iat: T0, exp: T0 + 60 });
      await verifier.verify(token);
      const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(86)}`;
      await expect(codeOf(verifier.verify(forged))).resolves.toBe('invalid_signature');
    });
  });
});
