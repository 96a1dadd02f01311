import { randomUUID } from 'node:crypto';
import { InvalidTokenError } from '../errors/auth-guard.error';
import { AccessTokenVerifier } from '../jwt/access-token.verifier';
import { TestIssuer } from '../testing';
import { JwksKeySource, type JwksKeySourceOptions } from './jwks-key.source';

const quiet = { warn: () => undefined };

describe('JwksKeySource against a controllable JWKS endpoint', () => {
  let issuer: TestIssuer;

  beforeEach(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory' });
  });
  afterEach(async () => {
    await issuer.stop();
  });

  function setup(overrides: Partial<JwksKeySourceOptions> = {}) {
    const keys = new JwksKeySource({
      jwksUri: issuer.jwksUri, algorithms: ['RS256', 'ES256', 'EdDSA'], cacheMaxAgeMs: 300_000,
      refetchCooldownMs: 30_000, fetchTimeoutMs: 1000, logger: quiet, ...overrides,
    });
    const verifier = new AccessTokenVerifier({ issuer: issuer.issuer, audience: 'inventory', algorithms: ['RS256', 'ES256', 'EdDSA'], clockToleranceSeconds: 30, maxTokenAgeSeconds: 3600 }, keys);
    return { keys, verifier };
  }
  const code = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: unknown) => (e instanceof InvalidTokenError ? e.code : String(e)));

  it('picks up a rotated key through the unknown-kid refetch', async () => {
    const { verifier } = setup({ refetchCooldownMs: 0 });
    await expect(verifier.verify(await issuer.mint())).resolves.toMatchObject({ sub: 'test-client' });
    await issuer.rotate();
    await expect(verifier.verify(await issuer.mint())).resolves.toMatchObject({ sub: 'test-client' });
    expect(issuer.jwksRequests).toBe(2);
  });

  it('fetches at most once per cooldown under a flood of unknown kids (single flight)', async () => {
    let now = 1_000_000;
    const { verifier } = setup({ now: () => now });
    await verifier.verify(await issuer.mint());
    now += 31_000; // past the cooldown of the initial fetch
    const forged = await Promise.all(Array.from({ length: 200 }, () => issuer.mint({}, { kid: randomUUID() })));
    const codes = await Promise.all(forged.map((t) => code(verifier.verify(t))));
    expect(new Set(codes)).toEqual(new Set(['unknown_key']));
    expect(issuer.jwksRequests).toBe(2);
    // Still within the cooldown: another flood causes no fetch at all.
    await Promise.all(forged.slice(0, 50).map((t) => code(verifier.verify(t))));
    expect(issuer.jwksRequests).toBe(2);
  });

  it('shares one fetch between concurrent first requests', async () => {
    const { verifier } = setup();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => issuer.mint()));
    await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(issuer.jwksRequests).toBe(1);
  });

  it('keeps serving known keys when the endpoint is down, and answers unknown kids fast', async () => {
    let now = 1_000_000;
    const { verifier, keys } = setup({ cacheMaxAgeMs: 1000, refetchCooldownMs: 5000, now: () => now });
    const token = await issuer.mint();
    await verifier.verify(token);
    await issuer.stop();
    now += 10_000; // stale: a background refresh is attempted and fails
    await expect(verifier.verify(token)).resolves.toBeDefined();
    await keys.refresh();
    await expect(verifier.verify(token)).resolves.toBeDefined();
    const started = Date.now();
    await expect(code(verifier.verify(await issuer.mint({}, { kid: 'rotated-away' })))).resolves.toBe('unknown_key');
    expect(Date.now() - started).toBeLessThan(200);
    issuer = await TestIssuer.start(); // for afterEach
  });

  it.each([
    ['an HTML page', 'text/html', '<html><body>Bad gateway</body></html>', 200],
    ['invalid JSON', 'application/json', '{"keys": [', 200],
    ['an empty key set', 'application/json', '{"keys": []}', 200],
    ['keys missing fields', 'application/json', '{"keys": [{"kty": "RSA", "kid": "x"}, {"kid": "y"}, 42]}', 200],
    ['only a symmetric key', 'application/json', '{"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0"}]}', 200],
    ['a 500 error', 'application/json', '{"error": "down"}', 500],
    ['no keys member', 'application/json', '{"error": "nope"}', 200],
  ])('keeps the last good keys when the endpoint returns %s', async (_name, type, body, status) => {
    let now = 1_000_000;
    const { verifier, keys } = setup({ cacheMaxAgeMs: 1000, refetchCooldownMs: 0, now: () => now });
    const token = await issuer.mint();
    await verifier.verify(token);
    issuer.setJwksResponder((_req, res) => {
      res.writeHead(status, { 'content-type': type }).end(body);
      return true;
    });
    now += 5000;
    await keys.refresh();
    expect(issuer.jwksRequests).toBe(2);
    expect(keys.size).toBe(1);
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('gives up on a slow endpoint after the timeout and rejects the token, without hanging', async () => {
    issuer.setJwksResponder(() => true); // never answers
    const { verifier } = setup({ fetchTimeoutMs: 300 });
    const started = Date.now();
    await expect(code(verifier.verify(await issuer.mint()))).resolves.toBe('unknown_key');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
  });

  it('drops a key that disappears from the set (and the tokens it signed)', async () => {
    let now = 1_000_000;
    const { verifier, keys } = setup({ cacheMaxAgeMs: 1000, refetchCooldownMs: 0, now: () => now });
    const old = await issuer.mint();
    await verifier.verify(old);
    await issuer.rotate({ keepPrevious: false });
    now += 5000;
    await keys.refresh();
    await expect(code(verifier.verify(old))).resolves.toBe('unknown_key');
  });

  it('uses neither of two keys published under the same kid', async () => {
    const { verifier } = setup();
    const key = issuer.currentKey;
    const other = await issuer.rotate();
    issuer.setJwksResponder((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk, { ...other.publicJwk, kid: key.kid }] }));
      return true;
    });
    await expect(code(verifier.verify(await issuer.mint({}, {}, key)))).resolves.toBe('unknown_key');
  });
});
