import { TestIssuer } from '@service-trust/auth-guard/testing';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { type InventoryTestApp, request, startInventoryTestApp } from '../src/testing/inventory-test-app';

/** inventory's metrics, logs and API description. */
describe('inventory: metrics, logs and OpenAPI', () => {
  let testDb: TestDatabase;
  let issuer: TestIssuer;
  let inventory: InventoryTestApp;
  const lines: string[] = [];
  const url = (path: string) => `${inventory.baseUrl}${path}`;
  const metric = async (name: string, labels: string) => {
    const text = await (await fetch(url('/metrics'))).text();
    return Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    [testDb, issuer] = await Promise.all([createTestDatabase('postgres'), TestIssuer.start({ audience: 'inventory', alg: 'ES256' })]);
    inventory = await startInventoryTestApp(testDb.url, issuer.issuer, {}, { logger: 'info', logDestination: { write: (line: string) => void lines.push(line) } });
  });
  afterAll(async () => {
    await inventory?.close();
    await issuer?.stop();
    await testDb?.drop();
  });

  it('counts guard rejections by code, JWKS fetches and requests by route; /metrics needs no token', async () => {
    const codes = ['missing_token', 'invalid_audience', 'insufficient_scope', 'caller_not_allowed'];
    const before = await Promise.all(codes.map((code) => metric('auth_guard_rejections_total', `code="${code}"`)));
    const service = (scope: string, client = 'orders-service') => issuer.mint({ sub: client, client_id: client, scope });
    expect((await request('GET', url('/inventory/items'))).status).toBe(401);
    const forOrders = await issuer.mint({ sub: 'u', client_id: 'web', aud: 'orders', scope: 'inventory:read' });
    expect((await request('GET', url('/inventory/items'), { token: forOrders })).status).toBe(401);
    expect((await request('GET', url('/inventory/items'), { token: await service('inventory:reserve') })).status).toBe(403);
    const stranger = await service('inventory:reserve', 'reports-service');
    expect((await request('POST', url('/inventory/reservations'), { token: stranger, json: { sku: 'SKU-MUG-002', quantity: 1 } })).status).toBe(403);
    expect((await request('GET', url('/inventory/items'), { token: await service('inventory:read') })).status).toBe(200);
    const after = await Promise.all(codes.map((code) => metric('auth_guard_rejections_total', `code="${code}"`)));
    expect(after).toEqual(before.map((n) => n + 1));
    expect(await metric('auth_guard_jwks_fetches_total', 'result="success"')).toBeGreaterThanOrEqual(1);
    expect(await metric('http_requests_total', 'method="GET",route="/inventory/items",status="200"')).toBeGreaterThanOrEqual(1);
    expect(await metric('http_requests_total', 'method="GET",route="/inventory/items",status="401"')).toBeGreaterThanOrEqual(2);
  });

  it('logs one JSON line per request, without the token', async () => {
    const token = await issuer.mint({ sub: 'orders-service', client_id: 'orders-service', scope: 'inventory:read' });
    lines.length = 0;
    const res = await request('GET', url('/inventory/items'), { token, headers: { 'x-request-id': 'inv-1' } });
    expect(res.headers.get('x-request-id')).toBe('inv-1');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({ level: 'info', service: 'inventory', reqId: 'inv-1', method: 'GET', route: '/inventory/items', status: 200, msg: 'request completed' }),
    ]);
    expect(lines.join('')).not.toContain(token);
  });

  it('serves its OpenAPI document publicly, with bearer security on guarded routes only', async () => {
    const res = await request('GET', url('/docs-json'));
    expect(res.status).toBe(200);
    const doc = res.body as unknown as {
      info: { title: string };
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown[]; requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, unknown> }>>;
    };
    expect(doc.info.title).toBe('inventory');
    expect(doc.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }) });
    const reserve = doc.paths['/inventory/reservations']!['post']!;
    expect(reserve.security).toEqual([{ bearer: [] }]);
    expect(reserve.requestBody!.content['application/json']!.schema).toMatchObject({ type: 'object', required: ['sku', 'quantity'] });
    expect(Object.keys(reserve.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '409']));
    expect(doc.paths['/health/live']!['get']!.security).toBeUndefined();
    expect(doc.paths['/docs']).toBeUndefined();
  });
});
