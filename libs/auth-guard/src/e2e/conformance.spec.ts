import { TestIssuer, type TestSigningKey } from '../testing';
import { CONFORMANCE_CASES, type CaseContext } from './conformance.cases.fixture';
import { calls, probe, startGuardedApp, type AdapterName, type GuardedApp } from './guarded-app.fixture';

/**
 * The same table of bad requests against a real Nest application on Express and on Fastify:
 * each must be rejected with the documented status, challenge and code, and never reach the
 * handler (nor any pipe).
 */
describe.each<AdapterName>(['express', 'fastify'])('conformance on %s', (adapter) => {
  let issuer: TestIssuer;
  let ecKey: TestSigningKey;
  let app: GuardedApp;
  let ctx: CaseContext;

  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory' });
    ecKey = await issuer.addKey('ES256');
    app = await startGuardedApp(adapter, { issuer: issuer.issuer, audience: 'inventory', realm: 'inventory-api' });
    ctx = { issuer, ecKey };
  });

  afterAll(async () => {
    await app.close();
    await issuer.stop();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  it('has at least 40 distinct cases', () => {
    expect(new Set(CONFORMANCE_CASES.map((c) => c.name)).size).toBe(CONFORMANCE_CASES.length);
    expect(CONFORMANCE_CASES.length).toBeGreaterThanOrEqual(40);
  });

  it('accepts a valid token (control case)', async () => {
    const res = await probe(app.port, '/me', { authorization: `Bearer ${await issuer.mint({ sub: 'user-1' })}` });
    expect(res.status).toBe(200);
    expect(calls).toEqual(['me']);
  });

  it('accepts a valid token after several spaces (RFC 6750: 1*SP), and after the lower-case scheme', async () => {
    for (const authorization of [`Bearer   ${await issuer.mint({ sub: 'user-1' })}`, `bearer ${await issuer.mint({ sub: 'user-1' })}`]) {
      const res = await probe(app.port, '/me', { authorization });
      expect(res.status).toBe(200);
    }
    expect(calls).toEqual(['me', 'me']);
  });

  it.each(CONFORMANCE_CASES.map((c) => [c.name, c] as const))('rejects: %s', async (_name, testCase) => {
    const { headers, path = '/me' } = await testCase.request(ctx);
    const res = await probe(app.port, path, headers);

    expect({ status: res.status, code: res.body['code'] }).toEqual({ status: testCase.expected.status, code: testCase.expected.code });
    expect(res.body['statusCode']).toBe(testCase.expected.status);
    expect(typeof res.body['message']).toBe('string');
    const challenge = res.headers['www-authenticate'];
    if (testCase.expected.challenge === 'bare') {
      expect(challenge).toBe('Bearer realm="inventory-api"');
    } else {
      expect(challenge).toMatch(new RegExp(`^Bearer realm="inventory-api", error="${testCase.expected.challenge}", error_description="(?:[^"\\\\]|\\\\.)+"$`));
    }
    const authorization = headers['authorization'];
    for (const value of [authorization].flat()) {
      const token = typeof value === 'string' ? value.replace(/^\S+\s*/, '') : '';
      if (token.length > 16) expect(res.text).not.toContain(token.slice(0, 40));
    }
    expect(calls).toEqual([]);
  });
});
