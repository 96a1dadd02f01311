import { createServer } from 'node:net';
import { TestIssuer } from '@service-trust/auth-guard/testing';
import { Database } from '@service-trust/service-kit';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
// The real inventory app as orders' downstream, started in this process. A test-only crossing of
// the app boundary: production code of orders never imports inventory, it calls it over HTTP.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { type InventoryTestApp, startInventoryTestApp } from '../../inventory/src/testing/inventory-test-app';
import { type OrdersTestApp, request, startOrdersTestApp } from '../src/testing/orders-test-app';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

describe('orders service with a real inventory (both in process, tokens from one test issuer)', () => {
  let testDb: TestDatabase;
  let db: Database;
  let issuer: TestIssuer;
  let inventory: InventoryTestApp;
  let orders: OrdersTestApp;
  const url = (path: string) => `${orders.baseUrl}${path}`;

  /** A user token as auth's login gives it: audience orders, client orders-web, sub = the user. */
  const userToken = (sub = 'user-alice', scope = 'orders:read orders:write') => issuer.mint({ sub, client_id: 'orders-web', aud: 'orders', scope, roles: ['customer'] });
  const stockOf = async (sku: string) => (await db.one<{ available: number }>('SELECT available FROM inventory.items WHERE sku = $1', [sku]))?.available;
  const setStock = (sku: string, available: number) =>
    db.query(
      `INSERT INTO inventory.items (sku, name, available) VALUES ($1, $1, $2)
       ON CONFLICT (sku) DO UPDATE SET available = EXCLUDED.available`,
      [sku, available],
    );
  const ordersOf = (owner: string) => db.query('SELECT sku, quantity, status, reservation_id FROM orders.orders WHERE owner = $1', [owner]);
  const requestsSince = (mark: number) => issuer.tokenRequests.slice(mark);

  beforeAll(async () => {
    [testDb, issuer] = await Promise.all([
      createTestDatabase('postgres'),
      TestIssuer.start({ audience: 'orders', clients: { 'orders-service': { secret: 'orders-test-secret', scopes: ['inventory:read', 'inventory:reserve'] } } }),
    ]);
    inventory = await startInventoryTestApp(testDb.url, issuer.issuer);
    orders = await startOrdersTestApp(testDb.url, issuer.issuer, { INVENTORY_URL: inventory.baseUrl });
    db = new Database(testDb.url, { max: 2 });
  });

  afterAll(async () => {
    await orders?.close();
    await inventory?.close();
    await db?.close();
    await issuer?.stop();
    await testDb?.drop();
  });

  describe('POST /orders', () => {
    it('exchanges the user token, reserves for the user with act = orders-service, and saves the order', async () => {
      await setStock('SKU-O-HAPPY', 5);
      const token = await userToken('user-alice');
      const mark = issuer.tokenRequests.length;
      const res = await request('POST', url('/orders'), { token, json: { sku: 'SKU-O-HAPPY', quantity: 2 } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), sku: 'SKU-O-HAPPY', quantity: 2, status: 'reserved', reservationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

      // The exchange: orders-service presented the user's own token, for audience inventory.
      expect(requestsSince(mark)).toEqual([
        expect.objectContaining({
          clientId: 'orders-service',
          params: expect.objectContaining({ grant_type: EXCHANGE, subject_token: token, audience: 'inventory', scope: 'inventory:reserve' }),
        }),
      ]);
      // inventory recorded who the stock is for and which service acted.
      const reservation = await db.one('SELECT sku, quantity, reserved_for, actor, cancelled_at FROM inventory.reservations WHERE id = $1', [res.body['reservationId']]);
      expect(reservation).toEqual({ sku: 'SKU-O-HAPPY', quantity: 2, reserved_for: 'user-alice', actor: 'orders-service', cancelled_at: null });
      expect(await stockOf('SKU-O-HAPPY')).toBe(3);
      expect(await ordersOf('user-alice')).toEqual(expect.arrayContaining([{ sku: 'SKU-O-HAPPY', quantity: 2, status: 'reserved', reservation_id: res.body['reservationId'] }]));
    });

    it('409 insufficient_stock (with available) when inventory has too little, and writes no order', async () => {
      await setStock('SKU-O-SHORT', 1);
      const res = await request('POST', url('/orders'), { token: await userToken('user-short'), json: { sku: 'SKU-O-SHORT', quantity: 2 } });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'insufficient_stock', available: 1 });
      expect(await ordersOf('user-short')).toEqual([]);
      expect(await stockOf('SKU-O-SHORT')).toBe(1);
    });

    it('422 unknown_sku naming the field when inventory has no such sku, and writes no order', async () => {
      const res = await request('POST', url('/orders'), { token: await userToken('user-unknown'), json: { sku: 'SKU-NOPE', quantity: 1 } });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, error: 'unknown_sku', field: 'sku' });
      expect(await ordersOf('user-unknown')).toEqual([]);
    });

    it.each([
      ['sku missing', { quantity: 1 }, 'sku'],
      ['sku too long', { sku: 'S'.repeat(65), quantity: 1 }, 'sku'],
      ['quantity zero', { sku: 'SKU-BOOK-001', quantity: 0 }, 'quantity'],
      ['quantity fractional', { sku: 'SKU-BOOK-001', quantity: 2.5 }, 'quantity'],
      ['quantity over 1000', { sku: 'SKU-BOOK-001', quantity: 1001 }, 'quantity'],
    ])('400 naming the field before calling anyone: %s', async (_case, json, field) => {
      const mark = issuer.tokenRequests.length;
      const res = await request('POST', url('/orders'), { token: await userToken(), json });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request', field });
      expect(requestsSince(mark)).toEqual([]);
    });

    it('403 insufficient_scope naming orders:write for a read-only user', async () => {
      const res = await request('POST', url('/orders'), { token: await userToken('user-bob', 'orders:read'), json: { sku: 'SKU-BOOK-001', quantity: 1 } });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('scope="orders:write"');
    });

    it('401 with a bare challenge without a token; 401 invalid_token for a token meant for inventory', async () => {
      const none = await request('POST', url('/orders'), { json: { sku: 'SKU-BOOK-001', quantity: 1 } });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
      const wrongAudience = await issuer.mint({ sub: 'user-alice', client_id: 'orders-web', aud: 'inventory', scope: 'orders:write' });
      const res = await request('POST', url('/orders'), { token: wrongAudience, json: { sku: 'SKU-BOOK-001', quantity: 1 } });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'invalid_audience' });
    });

    it("403 user_token_required for a service's own token", async () => {
      const token = await issuer.mint({ sub: 'inventory-service', client_id: 'inventory-service', aud: 'orders', scope: 'orders:read orders:write' });
      const res = await request('POST', url('/orders'), { token, json: { sku: 'SKU-BOOK-001', quantity: 1 } });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'user_token_required' });
    });

    it('503 auth_unavailable when the token endpoint keeps failing, and reserves and writes nothing', async () => {
      await setStock('SKU-O-AUTH', 3);
      issuer.failTokenRequests(10, 503);
      try {
        const res = await request('POST', url('/orders'), { token: await userToken('user-auth-down'), json: { sku: 'SKU-O-AUTH', quantity: 1 } });
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ statusCode: 503, error: 'auth_unavailable' });
      } finally {
        issuer.failTokenRequests(0);
      }
      expect(await stockOf('SKU-O-AUTH')).toBe(3);
      expect(await ordersOf('user-auth-down')).toEqual([]);
    });

    it('503 auth_unavailable when auth refuses the exchange (4xx, not retried)', async () => {
      issuer.failTokenRequests(1, 400);
      const mark = issuer.tokenRequests.length;
      const res = await request('POST', url('/orders'), { token: await userToken('user-refused'), json: { sku: 'SKU-BOOK-001', quantity: 1 } });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'auth_unavailable' });
      expect(requestsSince(mark)).toHaveLength(1);
      expect(await ordersOf('user-refused')).toEqual([]);
    });

    it('compensates: when the order cannot be saved, the reservation is cancelled (stock back) and the answer is 503', async () => {
      await setStock('SKU-O-COMP', 4);
      await db.query('ALTER TABLE orders.orders RENAME TO orders_unavailable');
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request('POST', url('/orders'), { token: await userToken('user-comp'), json: { sku: 'SKU-O-COMP', quantity: 3 } });
      } finally {
        await db.query('ALTER TABLE orders.orders_unavailable RENAME TO orders');
      }
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'temporarily_unavailable' });
      expect(await stockOf('SKU-O-COMP')).toBe(4);
      const reservations = await db.query('SELECT quantity, reserved_for, actor, cancelled_at FROM inventory.reservations WHERE sku = $1', ['SKU-O-COMP']);
      expect(reservations).toEqual([{ quantity: 3, reserved_for: 'user-comp', actor: 'orders-service', cancelled_at: expect.any(Date) }]);
      expect(await ordersOf('user-comp')).toEqual([]);
    });
  });

  describe('GET /orders', () => {
    it("returns only the caller's own orders", async () => {
      await setStock('SKU-O-LIST', 10);
      const carol = await userToken('user-carol');
      const dave = await userToken('user-dave');
      const placed = await request('POST', url('/orders'), { token: carol, json: { sku: 'SKU-O-LIST', quantity: 1 } });
      expect(placed.status).toBe(201);
      expect((await request('POST', url('/orders'), { token: dave, json: { sku: 'SKU-O-LIST', quantity: 2 } })).status).toBe(201);

      const res = await request('GET', url('/orders'), { token: await userToken('user-carol', 'orders:read') });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { id: placed.body['id'], sku: 'SKU-O-LIST', quantity: 1, status: 'reserved', reservationId: placed.body['reservationId'], createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      ]);
    });

    it('403 naming orders:read for a token without it', async () => {
      const res = await request('GET', url('/orders'), { token: await userToken('user-carol', 'orders:write') });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('scope="orders:read"');
    });
  });

  describe('GET /catalog', () => {
    it("reads inventory's items with orders' own client_credentials token, not the user's", async () => {
      const mark = issuer.tokenRequests.length;
      const res = await request('GET', url('/catalog'), { token: await userToken() });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.arrayContaining([{ sku: 'SKU-BOOK-001', name: 'The Pragmatic Programmer', available: expect.any(Number) }]));
      expect(requestsSince(mark)).toEqual([
        { clientId: 'orders-service', params: { grant_type: 'client_credentials', audience: 'inventory', scope: 'inventory:read' } },
      ]);
      // The service token is cached: a second read asks auth for nothing.
      const again = issuer.tokenRequests.length;
      expect((await request('GET', url('/catalog'), { token: await userToken() })).status).toBe(200);
      expect(issuer.tokenRequests.length).toBe(again);
    });

    it('403 naming orders:read for a token without it', async () => {
      const res = await request('GET', url('/catalog'), { token: await userToken('user-alice', 'orders:write') });
      expect(res.status).toBe(403);
    });
  });

  describe('GET /whoami and health', () => {
    it('shows act for a delegated token, and no act for a user token', async () => {
      const delegated = await issuer.mint({ sub: 'user-alice', client_id: 'web-bff', aud: 'orders', scope: 'orders:read', act: { sub: 'web-bff' } });
      const res = await request('GET', url('/whoami'), { token: delegated });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sub: 'user-alice', client_id: 'web-bff', scope: 'orders:read', aud: 'orders', act: { sub: 'web-bff' } });
      const plain = await request('GET', url('/whoami'), { token: await userToken() });
      expect(plain.body).toEqual({ sub: 'user-alice', client_id: 'orders-web', scope: 'orders:read orders:write', aud: 'orders' });
    });

    it('health answers without a token', async () => {
      expect((await request('GET', url('/health/live'))).status).toBe(200);
      expect(await request('GET', url('/health/ready'))).toMatchObject({ status: 200, body: { checks: { database: 'up' } } });
    });
  });

  describe('inventory down', () => {
    let cut: OrdersTestApp;

    beforeAll(async () => {
      cut = await startOrdersTestApp(testDb.url, issuer.issuer, { INVENTORY_URL: `http://127.0.0.1:${await closedPort()}` });
    });

    afterAll(async () => {
      await cut?.close();
    });

    it('POST /orders answers 503 inventory_unavailable and writes no order', async () => {
      const res = await request('POST', `${cut.baseUrl}/orders`, { token: await userToken('user-cut'), json: { sku: 'SKU-BOOK-001', quantity: 1 } });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'inventory_unavailable' });
      expect(await ordersOf('user-cut')).toEqual([]);
    });

    it('GET /catalog answers 503 inventory_unavailable', async () => {
      const res = await request('GET', `${cut.baseUrl}/catalog`, { token: await userToken() });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'inventory_unavailable' });
    });
  });
});

/** A port nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
