/**
 * The running stack (auth, orders, inventory as real processes, plus inventory "probes" whose
 * JWKS endpoint misbehaves) under faults, abuse and bad input. One stack for the whole file; the
 * tests run in order on one timeline:
 *
 *   t≈0   stack up, every verifier fetched the JWKS once; a key rotation starts (prepublish 32 s)
 *         and constant traffic runs in the background until the new key has signed for a while
 *   …     fuzzing, a random-kid flood, throttling across two auth replicas
 *   t≈31  the verifiers' refetch cooldown (30 s) is over: the probes meet their broken JWKS
 *   t≈36  rotation verdict; then issuer freeze/stop/restart, database loss, key revocation,
 *         concurrent orders under faults, and the scan of every log and response for secrets.
 */
import { JwksKeySource } from '@service-trust/auth-guard';
import { createTestDatabase } from '@service-trust/service-kit/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  type Answer,
  ServiceProcess,
  allOutput,
  allResponses,
  basic,
  bearer,
  call,
  cleanup,
  clientToken,
  decodeHeader,
  eventually,
  freePort,
  issuedTokens,
  login,
  makeIdentities,
  onCleanup,
  pool,
  prng,
  randomKid,
  scratchDir,
  sleep,
  withKid,
  writeIdentities,
} from './harness';
import { type Stack, startStack } from './stack';

const PREPUBLISH_SECONDS = 32;
const PROBES = ['html', 'invalid-json', 'empty', '500', 'slow'] as const;
/** The guard's JWKS fetch timeout (default) and refetch cooldown (default). */
const FETCH_TIMEOUT_MS = 3_000;
const COOLDOWN_MS = 30_000;
/** How old a pending order must be before orders' reconciler resolves it (well above a placement's duration here). */
const RECONCILE_AFTER_MS = 3_000;

let s: Stack;
let warmAt = 0;
let alice: { username: string; password: string };
let aliceToken: string; // issued before the rotation
let inventoryReadToken: string; // orders-service → inventory, issued before the rotation
let oldKid: string;
let newKid: string;
let rotation: Promise<{ calls: number; failures: string[]; kids: Set<string>; preRotationAfterActivation: number }>;
let stopTraffic = false;

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const form = (params: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(params).toString(),
});
const noStack = (a: Answer) => expect(a.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|\.js:\d+/);

beforeAll(async () => {
  s = await startStack({
    authEnv: { AUTH_KEY_PREPUBLISH_SECONDS: String(PREPUBLISH_SECONDS) },
    probes: [...PROBES],
    // orders' reconciler resolves the orders a lost answer left pending ("nothing lost").
    ordersEnv: { RECONCILE_INTERVAL_MS: '500', RECONCILE_AFTER_MS: String(RECONCILE_AFTER_MS) },
  });
  alice = s.user('alice');
  aliceToken = await login(s.auth.url, alice.username, alice.password);
  inventoryReadToken = await clientToken(s.auth.url, s.client('orders-service'), 'inventory', 'inventory:read');
  oldKid = decodeHeader(aliceToken).kid;
  // Every verifier fetches the JWKS once, through the proxy, while it is good.
  expect((await call(`${s.orders.url}/orders`, { headers: bearer(aliceToken) })).status).toBe(200);
  expect((await call(`${s.inventory.url}/inventory/items`, { headers: bearer(inventoryReadToken) })).status).toBe(200);
  for (const probe of s.probes.values()) {
    expect((await call(`${probe.url}/inventory/items`, { headers: bearer(inventoryReadToken) })).status).toBe(200);
  }
  warmAt = Date.now();
  for (const name of PROBES) s.jwks.setMode(`/p/${name}/`, name);
  s.jwks.slowMs = 10_000;

  // Rotation: the next key is published now and signs PREPUBLISH_SECONDS later.
  const ops = await clientToken(s.auth.url, s.client('ops-cli'), 'auth', 'keys:rotate');
  const plan = await call(`${s.auth.url}/admin/keys/rotate`, { method: 'POST', headers: bearer(ops) });
  expect(plan.status).toBe(202);
  const { next } = plan.json as { next: { kid: string; activatesAt: string } };
  newKid = next.kid;
  rotation = constantTraffic(Date.parse(next.activatesAt));
}, 60_000);

afterAll(async () => {
  stopTraffic = true;
  await rotation?.catch(() => undefined);
  await cleanup();
}, 30_000);

/** A network error with its cause (undici's "fetch failed" alone says nothing). */
function networkError(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause ? `${error.message} (${cause.code ?? ''} ${cause.message ?? ''})` : error.message;
}

/** Calls every ~100 ms with tokens issued before the rotation and fresh ones, until 4 s after activation. */
async function constantTraffic(activatesAt: number) {
  const failures: string[] = [];
  const kids = new Set<string>();
  let calls = 0;
  let preRotationAfterActivation = 0;
  let fresh = { user: aliceToken, service: inventoryReadToken, at: 0 };
  const check = async (what: string, url: string, token: string) => {
    calls++;
    const answer = await call(url, { headers: bearer(token) }).catch((error: Error) => ({ status: 0, text: networkError(error) }) as Answer);
    if (answer.status !== 200) failures.push(`${what}: ${answer.status} ${answer.text.slice(0, 200)}`);
    return answer.status === 200;
  };
  while (!stopTraffic && Date.now() < activatesAt + 4_000) {
    if (Date.now() - fresh.at > 1_000) {
      const user = await login(s.auth.url, alice.username, alice.password).catch((e: Error) => (failures.push(`login: ${networkError(e)}`), undefined));
      const service = await clientToken(s.auth.url, s.client('orders-service'), 'inventory', 'inventory:read').catch(
        (e: Error) => (failures.push(`token: ${networkError(e)}`), undefined),
      );
      calls += 2;
      if (user && service) fresh = { user, service, at: Date.now() };
      kids.add(decodeHeader(fresh.user).kid).add(decodeHeader(fresh.service).kid);
    }
    const results = await Promise.all([
      check('orders, pre-rotation user token', `${s.orders.url}/orders`, aliceToken),
      check('inventory, pre-rotation service token', `${s.inventory.url}/inventory/items`, inventoryReadToken),
      check('orders, fresh user token', `${s.orders.url}/whoami`, fresh.user),
      check('inventory, fresh service token', `${s.inventory.url}/inventory/items`, fresh.service),
    ]);
    if (Date.now() > activatesAt && results[0] && results[1]) preRotationAfterActivation++;
    await sleep(100);
  }
  return { calls, failures, kids, preRotationAfterActivation };
}

describe('bad input and abuse (while a key rotation runs under constant traffic)', () => {
  it('bounded fuzzing of every endpoint never produces a 5xx or a stack trace', async () => {
    const random = prng(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const junk = () =>
      pick([
        '',
        ' ',
        'a'.repeat(70_000),
        '\u0000',
        '%00',
        '../../etc/passwd',
        '\ud800',
        '😀'.repeat(50),
        "' OR 1=1 --",
        '{"$ne":null}',
        'null',
        '[]',
        '-1',
        '1e309',
        randomBytes(Math.floor(random() * 64)).toString('base64'),
      ]);
    const jsonJunk = () =>
      pick<unknown>([null, 0, -1, 1.5, true, 'x', [], {}, [1, 2], { a: { b: { c: {} } } }, junk(), 'a'.repeat(5_000), Number.MAX_SAFE_INTEGER]);
    const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
    const deepText = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    const rawJson = (url: string, body: string, token?: string): [string, RequestInit] => [
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) }, body },
    ];
    const orders = s.client('orders-service');
    const [h, p] = aliceToken.split('.');
    const tokens = () =>
      pick([
        junk(),
        `${h}.${p}`,
        `${h}.${p}.`,
        `${h}.${p}.${randomBytes(256).toString('base64url')}`,
        `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${p}.`,
        `${Buffer.from('{"alg":"HS256","typ":"at+jwt","kid":"x"}').toString('base64url')}.${p}.${randomBytes(32).toString('base64url')}`,
        `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: oldKid, jku: 'http://127.0.0.1:1/' })).toString('base64url')}.${p}.x`,
        `${Buffer.from(JSON.stringify(deep(200))).toString('base64url')}.${p}.x`,
        withKid(aliceToken, junk() || 'k'),
        'a.'.repeat(5_000),
        aliceToken + '=',
        aliceToken.slice(0, -3),
      ]);
    // fetch refuses header values with control or non-Latin-1 characters before sending: keep the rest.
    const enc = (value: string) => encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd'));
    const headerSafe = (value: string) => value.replace(/[^\x20-\x7e]/g, '').trim() || 'x';
    const auths = () =>
      headerSafe(pick([
        `Bearer ${tokens()}`,
        `bearer  ${tokens()}`,
        `Basic ${junk()}`,
        `Basic ${Buffer.from(`${orders.client_id}:${junk()}`).toString('base64')}`,
        `Basic ${Buffer.from(`${junk()}:${junk()}`).toString('base64')}`,
        `Bearer ${aliceToken}, Bearer ${aliceToken}`,
        'Bearer',
        junk(),
      ]));
    const grant = () => pick(['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange', 'password', 'refresh_token', junk()]);
    const requests: (() => [string, RequestInit])[] = [
      // token endpoint forms
      () => [`${s.auth.url}/oauth/token`, form({ grant_type: grant(), audience: pick(['inventory', 'orders', 'auth', junk()]), scope: pick(['inventory:read', junk(), 'a  b']) }, { authorization: auths() })],
      () => [
        `${s.auth.url}/oauth/token`,
        form({ grant_type: grant(), client_id: pick([orders.client_id, junk()]), client_secret: pick([orders.client_secret, junk()]), subject_token: tokens(), subject_token_type: pick(['urn:ietf:params:oauth:token-type:access_token', junk()]), audience: 'inventory' }),
      ],
      () => [`${s.auth.url}/oauth/token`, { method: 'POST', headers: { 'content-type': headerSafe(pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=utf-16', 'multipart/form-data', junk()])) }, body: junk() }],
      () => [`${s.auth.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&grant_type=client_credentials&audience=%ZZ' }],
      () => [`${s.auth.url}/oauth/introspect`, form({ token: tokens(), token_type_hint: junk() }, { authorization: auths() })],
      () => [`${s.auth.url}/oauth/revoke`, form({ token: tokens(), token_type_hint: pick(['access_token', 'refresh_token', junk()]) }, { authorization: auths() })],
      // login and session bodies
      () => [`${s.auth.url}/auth/login`, json({ username: jsonJunk(), password: jsonJunk() })],
      () => [`${s.auth.url}/auth/login`, json(pick([jsonJunk(), deep(50), { username: alice.username, password: junk() }, { username: 'alice', password: 'x', extra: jsonJunk() }]))],
      () => rawJson(`${s.auth.url}/auth/login`, deepText(pick([100, 5_000, 20_000]))),
      () => rawJson(`${s.orders.url}/orders`, deepText(pick([100, 5_000, 20_000])), aliceToken),
      () => [`${s.auth.url}/auth/login`, { method: 'POST', headers: { 'content-type': headerSafe(pick(['application/json', 'text/plain', junk()])) }, body: pick(['{', '{"username":', junk(), '\u0000{}']) }],
      () => [`${s.auth.url}/auth/refresh`, json({ refresh_token: pick([junk(), jsonJunk(), 'a'.repeat(513)]) })],
      () => [`${s.auth.url}/auth/logout`, json({ refresh_token: jsonJunk() })],
      // admin with bad tokens and path parameters
      () => [`${s.auth.url}/admin/keys/${enc(junk() || 'k')}/revoke`, { method: 'POST', headers: { authorization: auths() } }],
      () => [`${s.auth.url}/admin/keys/rotate`, { method: 'POST', headers: { authorization: auths() } }],
      // order bodies and Authorization headers on the business services
      () => [`${s.orders.url}/orders`, { ...json(pick([{ sku: jsonJunk(), quantity: jsonJunk() }, jsonJunk(), deep(50), { sku: 'SKU-PEN-003', quantity: pick([0, 1001, -1, 1.5, '1', Number.MAX_VALUE]) }])), headers: { 'content-type': 'application/json', ...bearer(aliceToken) } }],
      () => [`${s.orders.url}/orders`, { method: 'POST', headers: { 'content-type': pick(['application/json', 'text/plain']), ...bearer(aliceToken) }, body: pick(['{', junk(), '{"sku":"SKU-PEN-003","quantity":1,"__proto__":{"x":1}}', '{"sku":"SKU-PEN-003","quantity":1e309}', '{"sku":"SKU-PEN-003","quantity":1,"quantity":2}']) }],
      () => [`${s.orders.url}/${pick(['orders', 'whoami', 'catalog'])}`, { headers: { authorization: auths() } }],
      () => [`${s.inventory.url}/${pick(['inventory/items', 'whoami', 'inventory/reservations'])}`, { headers: { authorization: auths() } }],
      // path parameters
      () => [`${s.inventory.url}/inventory/reservations/${enc(junk() || 'x')}`, { method: pick(['GET', 'DELETE']), headers: bearer(inventoryReadToken) }],
      () => [`${s.inventory.url}/inventory/reservations/${pick(['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '%2e%2e%2f', '..%2f..%2f'])}`, { headers: bearer(inventoryReadToken) }],
      () => [`${pick([s.orders.url, s.inventory.url, s.auth.url])}/${enc(junk())}/${pick(['..', '%2e%2e', '%00', 'x'.repeat(2_000)])}`, { method: pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) }],
    ];
    const tasks = Array.from({ length: 400 }, (_, i) => async () => {
      const [url, init] = requests[i % requests.length]!();
      // Each junk request on a connection of its own, as a hostile client would have: fetch pools
      // connections per origin, and one that a server ends after bad input must not be handed to
      // the rotation traffic running at the same time (which then saw "fetch failed" in 1 of 4 runs).
      const headers = { ...(init.headers as Record<string, string> | undefined), connection: 'close' };
      const answer = await call(url, { ...init, headers, timeoutMs: 10_000 });
      return { i, url: url.slice(0, 120), status: answer.status, answer };
    });
    const results = await pool(6, tasks);
    const serverErrors = results.filter((r) => r.status >= 500).map((r) => `#${r.i} ${r.url} → ${r.status} ${r.answer.text.slice(0, 200)}`);
    expect(serverErrors).toEqual([]);
    for (const r of results) noStack(r.answer);
  });

  it('a flood of well-formed tokens with random kids: all 401, at most one JWKS refetch per verifier', async () => {
    const before = { orders: s.jwks.count('/p/orders/'), inventory: s.jwks.count('/p/inventory/') };
    const flood = Array.from({ length: 200 }, (_, i) => async () => {
      const url = i % 2 ? `${s.orders.url}/orders` : `${s.inventory.url}/inventory/items`;
      return call(url, { headers: bearer(withKid(i % 2 ? aliceToken : inventoryReadToken, randomKid())) });
    });
    const answers = await pool(10, flood);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
    expect(answers.every((a) => /error="invalid_token"/.test(a.headers.get('www-authenticate') ?? ''))).toBe(true);
    expect(s.jwks.count('/p/orders/') - before.orders).toBeLessThanOrEqual(1);
    expect(s.jwks.count('/p/inventory/') - before.inventory).toBeLessThanOrEqual(1);
  });

  it('login and token endpoints are throttled across two auth replicas (shared budget), whatever X-Forwarded-For or User-Agent say', async () => {
    const db = await createTestDatabase('postgres');
    onCleanup(() => db.drop());
    const identities = makeIdentities();
    const file = writeIdentities(scratchDir(), identities);
    const limit = 6;
    const [portA, portB] = [await freePort(), await freePort()];
    const keyEncryptionKey = randomBytes(32).toString('base64url');
    // Same database, same key-encryption key: replicas of one deployment.
    const env = (port: number): NodeJS.ProcessEnv => ({
      DATABASE_URL: db.url,
      AUTH_ISSUER: `http://127.0.0.1:${port}`,
      AUTH_KEY_ENCRYPTION_KEY: keyEncryptionKey,
      DEMO_IDENTITIES_FILE: file,
      AUTH_RATE_LIMIT: String(limit),
      AUTH_RATE_LIMIT_WINDOW_SECONDS: '3600',
    });
    const a = await new ServiceProcess('auth', portA, env(portA)).start();
    const b = await new ServiceProcess('auth', portB, env(portB)).start();
    const spoof = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}`, 'x-real-ip': `198.51.100.${i}`, 'user-agent': `agent-${i}-${randomBytes(4).toString('hex')}` });
    const bob = identities.users.find((u) => u.username === 'bob')!;

    const logins: Answer[] = [];
    for (let i = 0; i < limit + 2; i++) {
      const replica = i % 2 ? b : a;
      logins.push(await call(`${replica.url}/auth/login`, { ...json({ username: bob.username, password: i % 3 ? bob.password : 'wrong-password' }), headers: { 'content-type': 'application/json', ...spoof(i) } }));
    }
    expect(logins.slice(0, limit).map((r) => r.status)).not.toContain(429);
    for (const over of logins.slice(limit)) {
      expect(over.status).toBe(429);
      expect(over.json).toMatchObject({ error: 'too_many_requests' });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    }

    const client = identities.clients.find((c) => c.client_id === 'inventory-service')!;
    const tokens: Answer[] = [];
    for (let i = 0; i < limit + 2; i++) {
      const replica = i % 2 ? a : b;
      tokens.push(await call(`${replica.url}/oauth/token`, form({ grant_type: 'client_credentials', audience: 'orders' }, { ...basic(client.client_id, client.client_secret), ...spoof(100 + i) })));
    }
    expect(tokens.slice(0, limit).map((r) => r.status)).toEqual(Array(limit).fill(200));
    for (const over of tokens.slice(limit)) {
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(over.headers.get('cache-control')).toBe('no-store');
    }
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe('JWKS endpoint misbehaving', () => {
  it('HTML, invalid JSON, an empty key set, a 500 or a stalled answer: last good keys keep serving, unknown kids get 401 within the fetch timeout, no 5xx', async () => {
    // The guard refetches on an unknown kid at most once per cooldown since its first fetch.
    await sleep(Math.max(0, warmAt + COOLDOWN_MS + 500 - Date.now()));
    await Promise.all(
      PROBES.map(async (mode) => {
        const probe = s.probes.get(mode)!;
        const before = s.jwks.count(`/p/${mode}/`, mode);
        const unknown = await call(`${probe.url}/inventory/items`, { headers: bearer(withKid(inventoryReadToken, randomKid())) });
        expect([mode, unknown.status]).toEqual([mode, 401]);
        expect(unknown.ms).toBeLessThan(FETCH_TIMEOUT_MS + 2_000);
        expect(s.jwks.count(`/p/${mode}/`, mode) - before).toBe(1); // the probe did meet the broken endpoint
        for (let i = 0; i < 5; i++) {
          const known = await call(`${probe.url}/inventory/items`, { headers: bearer(inventoryReadToken) });
          expect([mode, known.status]).toEqual([mode, 200]);
        }
      }),
    );
  });
});

describe('key rotation', () => {
  it('under constant traffic: zero failed calls, for tokens issued before and after the new key signs', async () => {
    const result = await rotation;
    expect(result.failures).toEqual([]);
    expect(result.calls).toBeGreaterThan(100);
    expect([...result.kids].sort()).toEqual([oldKid, newKid].sort());
    expect(result.preRotationAfterActivation).toBeGreaterThan(0);
    const after = await login(s.auth.url, alice.username, alice.password);
    expect(decodeHeader(after).kid).toBe(newKid);
  }, 60_000);
});

describe('issuer outage', () => {
  const accepted = async (n: number) => {
    const answers = await pool(4, [
      ...Array.from({ length: n }, () => () => call(`${s.orders.url}/orders`, { headers: bearer(aliceToken) })),
      ...Array.from({ length: n }, () => () => call(`${s.inventory.url}/inventory/items`, { headers: bearer(inventoryReadToken) })),
    ]);
    return answers.map((a) => a.status);
  };
  const unknownKid = async () =>
    Promise.all([
      call(`${s.orders.url}/orders`, { headers: bearer(withKid(aliceToken, randomKid())) }),
      call(`${s.inventory.url}/inventory/items`, { headers: bearer(withKid(inventoryReadToken, randomKid())) }),
    ]);

  it('auth frozen (SIGSTOP): held keys keep verifying (zero failed calls), unknown kids get 401 within the fetch timeout, recovery on SIGCONT', async () => {
    s.auth.freeze();
    try {
      expect(await accepted(20)).toEqual(Array(40).fill(200));
      for (const answer of await unknownKid()) {
        expect(answer.status).toBe(401);
        expect(answer.ms).toBeLessThan(FETCH_TIMEOUT_MS + 2_000);
      }
    } finally {
      s.auth.thaw();
    }
    const fresh = await login(s.auth.url, alice.username, alice.password);
    expect((await call(`${s.orders.url}/orders`, { headers: bearer(fresh) })).status).toBe(200);
  });

  it('auth stopped (SIGTERM) with logins in flight, then restarted: in-flight and earlier tokens still verify; services recover by themselves', async () => {
    const inFlight = Array.from({ length: 6 }, () => login(s.auth.url, alice.username, alice.password).catch(() => undefined));
    await sleep(20);
    await s.auth.stop();
    const issuedInFlight = (await Promise.all(inFlight)).filter((t): t is string => Boolean(t));
    expect(await accepted(10)).toEqual(Array(20).fill(200));
    for (const answer of await unknownKid()) expect(answer.status).toBe(401);

    await s.restartAuth();
    for (const token of [aliceToken, ...issuedInFlight]) {
      expect((await call(`${s.orders.url}/orders`, { headers: bearer(token) })).status).toBe(200);
    }
    const orders = s.client('orders-service');
    const introspection = await call(`${s.auth.url}/oauth/introspect`, form({ token: aliceToken }, basic(orders.client_id, orders.client_secret)));
    expect(introspection.json).toMatchObject({ active: true });
    const fresh = await login(s.auth.url, alice.username, alice.password);
    expect(decodeHeader(fresh).kid).toBe(newKid); // the same keys, read back from the database
    expect((await call(`${s.orders.url}/orders`, { headers: bearer(fresh) })).status).toBe(200);
    const placed = await call(`${s.orders.url}/orders`, { ...json({ sku: 'SKU-MUG-002', quantity: 1 }), headers: { 'content-type': 'application/json', ...bearer(fresh) } });
    expect(placed.status).toBe(201);
  }, 60_000);
});

describe('database down for auth', () => {
  it.each(['reset', 'blackhole'] as const)(
    'connections %s: login and token answer 503 without a stack trace; JWKS and the business services keep working; recovery',
    async (mode) => {
      const orders = s.client('orders-service');
      s.authDb.cut(mode);
      try {
        const [loginAnswer, tokenAnswer, jwks, ready] = await Promise.all([
          call(`${s.auth.url}/auth/login`, json(alice)),
          call(`${s.auth.url}/oauth/token`, form({ grant_type: 'client_credentials', audience: 'inventory' }, basic(orders.client_id, orders.client_secret))),
          call(`${s.auth.url}/.well-known/jwks.json`),
          call(`${s.auth.url}/health/ready`),
        ]);
        for (const answer of [loginAnswer, tokenAnswer]) {
          expect(answer.status).toBe(503);
          expect(answer.json).toMatchObject({ error: 'temporarily_unavailable' });
          expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
          noStack(answer);
        }
        expect(jwks.status).toBe(200);
        expect(jwks.ms).toBeLessThan(1_500);
        expect((jwks.json as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toContain(newKid);
        expect(ready.status).toBe(503);
        expect((await call(`${s.orders.url}/orders`, { headers: bearer(aliceToken) })).status).toBe(200);
        expect((await call(`${s.inventory.url}/inventory/items`, { headers: bearer(inventoryReadToken) })).status).toBe(200);
      } finally {
        s.authDb.restore();
      }
      const recovery = await eventually(async () => (await call(`${s.auth.url}/auth/login`, json(alice))).status === 200, 10_000);
      expect(recovery).toBeLessThan(10_000);
    },
    30_000,
  );
});

describe('emergency key removal', () => {
  it('a revoked key leaves auth’s JWKS and verification at once, and a verifier within its cache age', async () => {
    const ops = await clientToken(s.auth.url, s.client('ops-cli'), 'auth', 'keys:rotate');
    const verifier = new JwksKeySource({
      jwksUri: `${s.auth.url}/.well-known/jwks.json`,
      algorithms: ['RS256'],
      // The background refresh runs once the set is older than the cache age AND the refetch
      // cooldown is over: the effective bound is the larger of the two.
      cacheMaxAgeMs: 1_000,
      refetchCooldownMs: 1_000,
      fetchTimeoutMs: 3_000,
      logger: { warn: () => undefined },
    });
    expect(await verifier.getKey(oldKid)).toBeDefined();

    const signing = await call(`${s.auth.url}/admin/keys/${newKid}/revoke`, { method: 'POST', headers: bearer(ops) });
    expect(signing.status).toBe(409); // the key that signs now: rotate first
    expect((await call(`${s.auth.url}/admin/keys/${randomKid()}/revoke`, { method: 'POST', headers: bearer(ops) })).status).toBe(404);
    expect((await call(`${s.auth.url}/admin/keys/${oldKid}/revoke`, { method: 'POST' })).status).toBe(401);

    const revoked = await call(`${s.auth.url}/admin/keys/${oldKid}/revoke`, { method: 'POST', headers: bearer(ops) });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ kid: oldKid });
    const jwks = await call(`${s.auth.url}/.well-known/jwks.json`);
    expect((jwks.json as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual([newKid]);
    const orders = s.client('orders-service');
    const introspection = await call(`${s.auth.url}/oauth/introspect`, form({ token: aliceToken }, basic(orders.client_id, orders.client_secret)));
    expect(introspection.json).toEqual({ active: false });

    // A verifier configured with a 1 s cache age drops the key within that age (+ one fetch).
    const dropped = await eventually(async () => {
      verifier.peek(newKid); // lets the background refresh run once the age is over
      return !verifier.has(oldKid);
    }, 5_000, 100);
    expect(dropped).toBeLessThan(1_000 + FETCH_TIMEOUT_MS);
  });
});

describe('nothing lost', () => {
  it('a stream of concurrent orders while auth is stopped and restarted, inventory answers 5xx, orders’ database is cut and inventory’s answers are lost: every order has its active reservation and every active reservation its order', async () => {
    // One token per order: each needs its own exchange at auth (exchanges are cached per subject token).
    const tokens = await pool(4, Array.from({ length: 80 }, () => () => login(s.auth.url, alice.username, alice.password)));
    const answers: Answer[] = [];
    let done = false;
    let next = 0;
    const stream = pool(
      4,
      Array.from({ length: 4 }, () => async () => {
        while (!done && next < tokens.length) {
          const token = tokens[next++]!;
          answers.push(
            await call(`${s.orders.url}/orders`, {
              ...json({ sku: 'SKU-MUG-002', quantity: 1 + (next % 2) }),
              headers: { 'content-type': 'application/json', ...bearer(token) },
              timeoutMs: 20_000,
            }).catch((error: Error) => ({ status: 0, text: error.message }) as Answer),
          );
          await sleep(30);
        }
      }),
    );
    await sleep(200);
    // inventory reserves (or cancels) but its answer never reaches orders: orders retries with the
    // same Idempotency-Key, cancels by key, or leaves the order pending for its reconciler.
    s.inventoryProxy.setMode('/inventory/reservations', 'drop-response');
    await sleep(400);
    s.inventoryProxy.setMode('/inventory/reservations', 'pass');
    await sleep(200);
    await s.auth.stop(); // token exchanges fail: nothing may be reserved
    await sleep(300);
    await s.restartAuth();
    s.inventoryProxy.setMode('/', '500'); // inventory answers 5xx
    await sleep(400);
    s.inventoryProxy.setMode('/', 'pass');
    await sleep(200);
    s.ordersDb.cut('reset'); // reserved, but the order cannot be saved: compensation
    await sleep(600);
    s.ordersDb.restore();
    await sleep(300);
    done = true;
    await stream;

    const statuses = answers.map((a) => a.status);
    const counts = statuses.reduce<Record<number, number>>((n, st) => ({ ...n, [st]: (n[st] ?? 0) + 1 }), {});
    console.log(`orders under faults: ${JSON.stringify(counts)}; inventory answers dropped: ${s.inventoryProxy.count('/inventory/reservations', 'drop-response')}`);
    expect(s.inventoryProxy.count('/inventory/reservations', 'drop-response')).toBeGreaterThan(0);
    expect(statuses.filter((st) => st === 0 || st === 500)).toEqual([]);
    expect(counts[201]).toBeGreaterThan(0);
    expect(statuses.some((st) => st === 502 || st === 503)).toBe(true); // the faults did bite
    for (const a of answers) noStack(a);

    const db = new Client({ connectionString: s.db.url });
    await db.connect();
    try {
      // An order left pending (its outcome unknown to orders) is resolved by orders' reconciler
      // once older than RECONCILE_AFTER_MS: its reservation cancelled by key, the order failed.
      const pending = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM orders.orders WHERE status = 'pending'")).rows[0]!.n;
      await eventually(async () => (await pending()) === 0, RECONCILE_AFTER_MS + 10_000, 250);
      // Only `reserved` rows are orders (`failed` ones are abandoned intents).
      const orphanOrders = await db.query(
        `SELECT o.id FROM orders.orders o LEFT JOIN inventory.reservations r ON r.id = o.reservation_id
          WHERE o.status = 'reserved' AND (r.id IS NULL OR r.cancelled_at IS NOT NULL)`,
      );
      const orphanReservations = await db.query(
        `SELECT r.id FROM inventory.reservations r LEFT JOIN orders.orders o ON o.reservation_id = r.id AND o.status = 'reserved'
          WHERE r.cancelled_at IS NULL AND o.id IS NULL`,
      );
      expect(orphanOrders.rows).toEqual([]);
      expect(orphanReservations.rows).toEqual([]);
      const placed = answers.filter((a) => a.status === 201).map((a) => (a.json as { id: string }).id);
      const stored = await db.query<{ id: string }>("SELECT id FROM orders.orders WHERE id = ANY($1::uuid[]) AND status = 'reserved'", [placed]);
      expect(stored.rows).toHaveLength(placed.length); // every 201 is stored
      const stock = await db.query<{ consistent: boolean }>(
        `SELECT i.available + COALESCE((SELECT sum(quantity) FROM inventory.reservations r WHERE r.sku = i.sku AND r.cancelled_at IS NULL), 0) = 100 AS consistent
           FROM inventory.items i WHERE i.sku = 'SKU-MUG-002'`,
      );
      expect(stock.rows).toEqual([{ consistent: true }]); // no unit lost or created
    } finally {
      await db.end();
    }
  }, 60_000);
});

describe('secrets', () => {
  it('no client secret, password, key-encryption key, private key material or full token appears in any log or response', () => {
    const logs = allOutput.join('\n');
    const responses = allResponses.join('\n');
    const secrets = [
      ...s.identities.clients.map((c) => c.client_secret),
      ...s.identities.users.map((u) => u.password),
      s.keyEncryptionKey,
    ];
    expect(issuedTokens.length).toBeGreaterThan(10);
    for (const value of secrets) {
      expect(logs.includes(value)).toBe(false);
      expect(responses.includes(value)).toBe(false);
    }
    for (const token of issuedTokens) expect(logs.includes(token)).toBe(false);
    // The signature part alone (what makes a token usable) never appears in logs either.
    for (const token of issuedTokens.filter((t) => t.split('.').length === 3)) expect(logs.includes(token.split('.')[2]!)).toBe(false);
    for (const text of [logs, responses]) {
      expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      expect(text).not.toMatch(/"(d|p|q|dp|dq|qi)"\s*:/);
      expect(text).not.toMatch(/private_key_enc|eyJhbGciOiJkaXIi/); // encrypted private keys (JWE, alg dir) stay in the database
    }
  });
});
