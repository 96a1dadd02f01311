import { TestIssuer } from '@service-trust/auth-guard/testing';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { InventoryStub } from '../src/testing/inventory.stub';
import { type OrdersTestApp, request, startOrdersTestApp } from '../src/testing/orders-test-app';

const SECRET = 'orders-observability-secret-value';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** orders with its logs captured: request ids and traces carried to auth and inventory, metrics, no secret in a log. */
describe('orders: request ids, trace context, metrics and logs', () => {
  let testDb: TestDatabase;
  let issuer: TestIssuer;
  let inventory: InventoryStub;
  let orders: OrdersTestApp;
  const lines: string[] = [];
  const url = (path: string) => `${orders.baseUrl}${path}`;
  const userToken = (sub: string) => issuer.mint({ sub, client_id: 'orders-web', aud: 'orders', scope: 'orders:read orders:write', roles: ['customer'] });
  const metric = async (name: string, labels: string) => {
    const text = await (await fetch(url('/metrics'))).text();
    return Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    [testDb, issuer] = await Promise.all([
      createTestDatabase('postgres'),
      TestIssuer.start({ audience: 'orders', clients: { 'orders-service': { secret: SECRET, scopes: ['inventory:read', 'inventory:reserve'] } } }),
    ]);
    inventory = await InventoryStub.start({ issuer: issuer.issuer, jwksUri: issuer.jwksUri });
    inventory.setStock('SKU-OBS-1', 100);
    orders = await startOrdersTestApp(testDb.url, issuer.issuer, { INVENTORY_URL: inventory.baseUrl, SERVICE_CLIENT_SECRET: SECRET }, {
      logger: 'trace',
      logDestination: { write: (line: string) => void lines.push(line) },
    });
  });
  afterAll(async () => {
    await orders?.close();
    await inventory?.close();
    await issuer?.stop();
    await testDb?.drop();
  });

  it('carries the request id and the trace (new span per call) to the token exchange and to inventory, and echoes the id', async () => {
    const [tokenMark, callMark] = [issuer.tokenRequests.length, inventory.requests.length];
    const res = await request('POST', url('/orders'), {
      token: await userToken('user-trace'),
      json: { sku: 'SKU-OBS-1', quantity: 1 },
      headers: { 'x-request-id': 'order-req-7', traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('order-req-7');
    const outbound = [...issuer.tokenRequestHeaders.slice(tokenMark), ...inventory.requestHeaders.slice(callMark)];
    expect(outbound).toHaveLength(2);
    for (const headers of outbound) {
      expect(headers['x-request-id']).toBe('order-req-7');
      expect(headers['traceparent']).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      expect(headers['traceparent']).not.toContain('b7ad6b7169203331');
    }
    expect(outbound[0]!['traceparent']).not.toBe(outbound[1]!['traceparent']);
  });

  it('counts token cache hits and misses, own and exchanged, and guard rejections by code', async () => {
    const before = {
      serviceMiss: await metric('auth_guard_service_token_cache_total', 'result="miss"'),
      serviceHit: await metric('auth_guard_service_token_cache_total', 'result="hit"'),
      exchangeMiss: await metric('auth_guard_exchange_token_cache_total', 'result="miss"'),
      exchangeHit: await metric('auth_guard_exchange_token_cache_total', 'result="hit"'),
      missing: await metric('auth_guard_rejections_total', 'code="missing_token"'),
    };
    const token = await userToken('user-metrics');
    expect((await request('GET', url('/catalog'), { token })).status).toBe(200);
    expect((await request('GET', url('/catalog'), { token })).status).toBe(200);
    expect((await request('POST', url('/orders'), { token, json: { sku: 'SKU-OBS-1', quantity: 1 } })).status).toBe(201);
    expect((await request('POST', url('/orders'), { token, json: { sku: 'SKU-OBS-1', quantity: 1 } })).status).toBe(201);
    expect((await request('GET', url('/orders'))).status).toBe(401);
    expect(await metric('auth_guard_service_token_cache_total', 'result="miss"')).toBe(before.serviceMiss + 1);
    expect(await metric('auth_guard_service_token_cache_total', 'result="hit"')).toBe(before.serviceHit + 1);
    expect(await metric('auth_guard_exchange_token_cache_total', 'result="miss"')).toBe(before.exchangeMiss + 1);
    expect(await metric('auth_guard_exchange_token_cache_total', 'result="hit"')).toBe(before.exchangeHit + 1);
    expect(await metric('auth_guard_rejections_total', 'code="missing_token"')).toBe(before.missing + 1);
    expect(await metric('auth_guard_jwks_fetches_total', 'result="success"')).toBeGreaterThanOrEqual(1);
    expect(await metric('http_requests_total', 'method="POST",route="/orders",status="201"')).toBeGreaterThanOrEqual(2);
  });

  it('never logs the user token, the exchanged token or the client secret', async () => {
    const token = await userToken('user-secrets');
    const [tokenMark, callMark] = [issuer.tokenRequests.length, inventory.requests.length];
    expect((await request('POST', url('/orders'), { token, json: { sku: 'SKU-OBS-1', quantity: 1 } })).status).toBe(201);
    // inventory answers an error once: orders logs what inventory said, never with whose token.
    inventory.failNext(500);
    expect((await request('POST', url('/orders'), { token, json: { sku: 'SKU-OBS-1', quantity: 1 } })).status).toBe(502);
    expect(issuer.tokenRequests.slice(tokenMark).map((r) => r.params['subject_token'])).toContain(token);
    expect(inventory.requests.length).toBeGreaterThan(callMark);
    const text = lines.join('');
    expect(text).toContain('"route":"/orders"');
    for (const secret of [token, SECRET, token.split('.')[2]!]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[\w-]{5,}\.[\w-]{5,}\./);
  });
});
