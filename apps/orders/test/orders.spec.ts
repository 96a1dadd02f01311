import { TestIssuer } from '@service-trust/auth-guard/testing';
import { Database } from '@service-trust/service-kit';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { OrderReconciler } from '../src/orders/order-reconciler.service';
import { OrderRepository } from '../src/orders/order.repository';
import { InventoryStub } from '../src/testing/inventory.stub';
import { type OrdersTestApp, request, startOrdersTestApp } from '../src/testing/orders-test-app';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** The claims inventory must see on a reservation made for `user` by orders (RFC 8693 delegation). */
const delegatedBy = (user: string) => ({ sub: user, client_id: 'orders-service', scope: 'inventory:reserve', act: { sub: 'orders-service' } });

/**
 * orders against a fake inventory (an HTTP stub that verifies every token with jose and records
 * its claims) and real PostgreSQL for orders' own data. Apps never import apps: the real
 * orders ↔ inventory crossing is covered by apps/stack-e2e with real processes.
 */
describe('orders service (inventory stubbed over HTTP, tokens from one test issuer, real PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;
  let issuer: TestIssuer;
  let inventory: InventoryStub;
  let orders: OrdersTestApp;
  const url = (path: string) => `${orders.baseUrl}${path}`;

  /** A user token as auth's login gives it: audience orders, client orders-web, sub = the user. */
  const userToken = (sub = 'user-alice', scope = 'orders:read orders:write') => issuer.mint({ sub, client_id: 'orders-web', aud: 'orders', scope, roles: ['customer'] });
  const ordersOf = (owner: string) => db.query('SELECT sku, quantity, status, reservation_id FROM orders.orders WHERE owner = $1', [owner]);
  /** The order rows of `owner` that are orders for the user (`reserved`); pending and failed ones are not. */
  const placedOrdersOf = async (owner: string) => (await ordersOf(owner)).filter((o) => o['status'] === 'reserved');
  const reconciler = () => orders.app.get(OrderReconciler);
  const repository = () => orders.app.get(OrderRepository);
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  /** orders' own client_credentials token for reserving, as inventory sees it (the reconciler's). */
  const ordersItself = { sub: 'orders-service', client_id: 'orders-service', scope: 'inventory:reserve' };
  const requestsSince = (mark: number) => issuer.tokenRequests.slice(mark);
  const inventoryCallsSince = (mark: number) => inventory.requests.slice(mark);

  beforeAll(async () => {
    [testDb, issuer] = await Promise.all([
      createTestDatabase('postgres'),
      TestIssuer.start({ audience: 'orders', clients: { 'orders-service': { secret: 'orders-test-secret', scopes: ['inventory:read', 'inventory:reserve'] } } }),
    ]);
    inventory = await InventoryStub.start({ issuer: issuer.issuer, jwksUri: issuer.jwksUri });
    inventory.setStock('SKU-BOOK-001', 25, 'The Pragmatic Programmer');
    orders = await startOrdersTestApp(testDb.url, issuer.issuer, { INVENTORY_URL: inventory.baseUrl });
    db = new Database(testDb.url, { max: 2 });
  });

  let callsBefore = 0;
  beforeEach(() => {
    callsBefore = inventory.requests.length;
  });
  afterEach(() => {
    // Every call orders made to inventory carried a token that verified (jose: signature, iss, aud, typ).
    expect(inventoryCallsSince(callsBefore).filter((r) => r.claims === undefined)).toEqual([]);
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
      inventory.setStock('SKU-O-HAPPY', 5);
      const token = await userToken('user-alice');
      const mark = issuer.tokenRequests.length;
      const calls = inventory.requests.length;
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
      // inventory got one reservation, with a token (verified by the stub) for user-alice acted by
      // orders-service and carrying only inventory:reserve; it recorded who the stock is for.
      expect(inventoryCallsSince(calls)).toEqual([
        { method: 'POST', path: '/inventory/reservations', status: 201, claims: delegatedBy('user-alice'), body: { sku: 'SKU-O-HAPPY', quantity: 2 } },
      ]);
      expect(inventory.reservations.find((r) => r.id === res.body['reservationId'])).toMatchObject({
        sku: 'SKU-O-HAPPY', quantity: 2, reservedFor: 'user-alice', actor: 'orders-service', cancelled: false,
      });
      expect(inventory.stockOf('SKU-O-HAPPY')).toBe(3);
      expect(await ordersOf('user-alice')).toEqual(expect.arrayContaining([{ sku: 'SKU-O-HAPPY', quantity: 2, status: 'reserved', reservation_id: res.body['reservationId'] }]));
      // The reservation carried the order's idempotency key (recorded before the call).
      const key = inventory.requestHeaders[calls]!['idempotency-key'];
      expect(key).toMatch(UUID);
      expect(await db.one('SELECT idempotency_key FROM orders.orders WHERE id = $1', [res.body['id']])).toEqual({ idempotency_key: key });
    });

    it('409 insufficient_stock (with available) when inventory has too little, and writes no order', async () => {
      inventory.setStock('SKU-O-SHORT', 1);
      const calls = inventory.requests.length;
      const res = await request('POST', url('/orders'), { token: await userToken('user-short'), json: { sku: 'SKU-O-SHORT', quantity: 2 } });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'insufficient_stock', available: 1 });
      expect(inventoryCallsSince(calls)).toEqual([expect.objectContaining({ method: 'POST', status: 409, claims: delegatedBy('user-short') })]);
      // A refusal reserved nothing: the recorded intent is failed at once, no cancel is needed.
      expect(await ordersOf('user-short')).toEqual([{ sku: 'SKU-O-SHORT', quantity: 2, status: 'failed', reservation_id: null }]);
      expect(inventory.stockOf('SKU-O-SHORT')).toBe(1);
    });

    it('422 unknown_sku naming the field when inventory has no such sku, and writes no order', async () => {
      const calls = inventory.requests.length;
      const res = await request('POST', url('/orders'), { token: await userToken('user-unknown'), json: { sku: 'SKU-NOPE', quantity: 1 } });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, error: 'unknown_sku', field: 'sku' });
      expect(inventoryCallsSince(calls)).toEqual([expect.objectContaining({ method: 'POST', status: 404 })]);
      expect(await ordersOf('user-unknown')).toEqual([expect.objectContaining({ status: 'failed', reservation_id: null })]);
    });

    it.each([
      ['sku missing', { quantity: 1 }, 'sku'],
      ['sku too long', { sku: 'S'.repeat(65), quantity: 1 }, 'sku'],
      ['quantity zero', { sku: 'SKU-BOOK-001', quantity: 0 }, 'quantity'],
      ['quantity fractional', { sku: 'SKU-BOOK-001', quantity: 2.5 }, 'quantity'],
      ['quantity over 1000', { sku: 'SKU-BOOK-001', quantity: 1001 }, 'quantity'],
    ])('400 naming the field before calling anyone: %s', async (_case, json, field) => {
      const mark = issuer.tokenRequests.length;
      const calls = inventory.requests.length;
      const res = await request('POST', url('/orders'), { token: await userToken(), json });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request', field });
      expect(requestsSince(mark)).toEqual([]);
      expect(inventoryCallsSince(calls)).toEqual([]);
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
      inventory.setStock('SKU-O-AUTH', 3);
      const calls = inventory.requests.length;
      issuer.failTokenRequests(10, 503);
      try {
        const res = await request('POST', url('/orders'), { token: await userToken('user-auth-down'), json: { sku: 'SKU-O-AUTH', quantity: 1 } });
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ statusCode: 503, error: 'auth_unavailable' });
      } finally {
        issuer.failTokenRequests(0);
      }
      expect(inventoryCallsSince(calls)).toEqual([]);
      expect(inventory.stockOf('SKU-O-AUTH')).toBe(3);
      expect(await ordersOf('user-auth-down')).toEqual([expect.objectContaining({ status: 'failed', reservation_id: null })]);
    });

    it('503 auth_unavailable when auth refuses the exchange (4xx, not retried)', async () => {
      issuer.failTokenRequests(1, 400);
      const mark = issuer.tokenRequests.length;
      const calls = inventory.requests.length;
      const res = await request('POST', url('/orders'), { token: await userToken('user-refused'), json: { sku: 'SKU-BOOK-001', quantity: 1 } });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'auth_unavailable' });
      expect(requestsSince(mark)).toHaveLength(1);
      expect(inventoryCallsSince(calls)).toEqual([]);
      expect(await ordersOf('user-refused')).toEqual([expect.objectContaining({ status: 'failed' })]);
    });

    it('503 when the order cannot even be recorded (pending insert fails): nothing is reserved', async () => {
      inventory.setStock('SKU-O-NODB', 4);
      const calls = inventory.requests.length;
      await db.query('ALTER TABLE orders.orders RENAME TO orders_unavailable');
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request('POST', url('/orders'), { token: await userToken('user-nodb'), json: { sku: 'SKU-O-NODB', quantity: 3 } });
      } finally {
        await db.query('ALTER TABLE orders.orders_unavailable RENAME TO orders');
      }
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'temporarily_unavailable' });
      expect(inventoryCallsSince(calls)).toEqual([]);
      expect(inventory.stockOf('SKU-O-NODB')).toBe(4);
      expect(await ordersOf('user-nodb')).toEqual([]);
    });

    it('compensates: reserved, but the order cannot be marked reserved → the reservation is cancelled by key (stock back), the order failed, 503', async () => {
      inventory.setStock('SKU-O-COMP', 4);
      const mark = issuer.tokenRequests.length;
      const calls = inventory.requests.length;
      const spy = jest.spyOn(repository(), 'markReserved').mockRejectedValueOnce(Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' }));
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request('POST', url('/orders'), { token: await userToken('user-comp'), json: { sku: 'SKU-O-COMP', quantity: 3 } });
      } finally {
        spy.mockRestore();
      }
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'temporarily_unavailable' });
      // Reserved, then cancelled by key with the user's delegated token (the exchanged token is reused: one exchange).
      const [reserved, cancelled] = inventoryCallsSince(calls);
      expect(inventoryCallsSince(calls)).toHaveLength(2);
      expect(reserved).toMatchObject({ method: 'POST', path: '/inventory/reservations', status: 201, claims: delegatedBy('user-comp') });
      const reservation = inventory.reservations.filter((r) => r.sku === 'SKU-O-COMP');
      expect(reservation).toEqual([expect.objectContaining({ quantity: 3, reservedFor: 'user-comp', actor: 'orders-service', cancelled: true, cancelledAt: expect.any(String) })]);
      expect(cancelled).toEqual({ method: 'DELETE', path: `/inventory/reservations/by-key/${reservation[0]!.idempotencyKey}`, status: 200, claims: delegatedBy('user-comp') });
      expect(requestsSince(mark)).toEqual([expect.objectContaining({ clientId: 'orders-service', params: expect.objectContaining({ grant_type: EXCHANGE }) })]);
      expect(inventory.stockOf('SKU-O-COMP')).toBe(4);
      expect(await ordersOf('user-comp')).toEqual([{ sku: 'SKU-O-COMP', quantity: 3, status: 'failed', reservation_id: null }]);
    });

    it('never cancels the reservation of a saved order: the update committed but its answer was lost → 201, reservation kept', async () => {
      inventory.setStock('SKU-O-LOSTACK', 2);
      const calls = inventory.requests.length;
      const repo = repository();
      const original = repo.markReserved.bind(repo);
      const spy = jest.spyOn(repo, 'markReserved').mockImplementationOnce(async (...args) => {
        await original(...args);
        throw new Error('Connection terminated unexpectedly');
      });
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request('POST', url('/orders'), { token: await userToken('user-lostack'), json: { sku: 'SKU-O-LOSTACK', quantity: 1 } });
      } finally {
        spy.mockRestore();
      }
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'reserved', reservationId: inventory.reservations.find((r) => r.sku === 'SKU-O-LOSTACK')!.id });
      expect(inventoryCallsSince(calls).map((r) => r.method)).toEqual(['POST']);
      expect(inventory.reservations.filter((r) => r.sku === 'SKU-O-LOSTACK')).toEqual([expect.objectContaining({ cancelled: false })]);
      expect(await placedOrdersOf('user-lostack')).toHaveLength(1);
    });

    it('orders’ database lost right after reserving: 503, nothing cancelled blindly; the reconciler then cancels the reservation and fails the order', async () => {
      inventory.setStock('SKU-O-DBLOST', 3);
      const calls = inventory.requests.length;
      const spy = jest.spyOn(repository(), 'markReserved').mockImplementationOnce(async () => {
        await db.query('ALTER TABLE orders.orders RENAME TO orders_unavailable');
        throw new Error('relation "orders.orders" does not exist');
      });
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request('POST', url('/orders'), { token: await userToken('user-dblost'), json: { sku: 'SKU-O-DBLOST', quantity: 2 } });
      } finally {
        spy.mockRestore();
        await db.query('ALTER TABLE orders.orders_unavailable RENAME TO orders');
      }
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'temporarily_unavailable' });
      expect(inventoryCallsSince(calls).map((r) => r.method)).toEqual(['POST']);
      expect(inventory.stockOf('SKU-O-DBLOST')).toBe(1);
      expect(await ordersOf('user-dblost')).toEqual([expect.objectContaining({ status: 'pending', reservation_id: null })]);

      expect(await reconciler().reconcile(60_000)).toEqual({ failed: 0, left: 0 }); // too young to touch
      expect(await reconciler().reconcile(0)).toEqual({ failed: 1, left: 0 });
      expect(inventory.requests.at(-1)).toMatchObject({ method: 'DELETE', path: expect.stringMatching(/^\/inventory\/reservations\/by-key\//), status: 200, claims: ordersItself });
      expect(inventory.stockOf('SKU-O-DBLOST')).toBe(3);
      expect(await ordersOf('user-dblost')).toEqual([expect.objectContaining({ status: 'failed' })]);
    });
  });

  describe('lost answers from inventory (the stub reserves, then drops the connection)', () => {
    it('retries once with the same Idempotency-Key: 201, one reservation, stock taken once', async () => {
      inventory.setStock('SKU-O-DROP1', 5);
      const calls = inventory.requests.length;
      inventory.dropNextResponse(1);
      const res = await request('POST', url('/orders'), { token: await userToken('user-drop1'), json: { sku: 'SKU-O-DROP1', quantity: 2 } });
      expect(res.status).toBe(201);
      const made = inventory.reservations.filter((r) => r.sku === 'SKU-O-DROP1');
      expect(made).toEqual([expect.objectContaining({ quantity: 2, reservedFor: 'user-drop1', cancelled: false, idempotencyKey: expect.stringMatching(UUID) })]);
      expect(res.body).toMatchObject({ status: 'reserved', reservationId: made[0]!.id });
      expect(inventoryCallsSince(calls)).toEqual([
        expect.objectContaining({ method: 'POST', status: 201, dropped: true }),
        expect.not.objectContaining({ dropped: true }),
      ]);
      const keys = inventory.requestHeaders.slice(calls).map((h) => h['idempotency-key']);
      expect(keys).toEqual([made[0]!.idempotencyKey, made[0]!.idempotencyKey]);
      expect(inventory.stockOf('SKU-O-DROP1')).toBe(3);
      expect(await placedOrdersOf('user-drop1')).toEqual([{ sku: 'SKU-O-DROP1', quantity: 2, status: 'reserved', reservation_id: made[0]!.id }]);
    });

    it('both attempts lost: 503, cancelled by key on the user’s behalf, the order failed and not listed', async () => {
      inventory.setStock('SKU-O-DROP2', 5);
      const calls = inventory.requests.length;
      inventory.dropNextResponse(2);
      const res = await request('POST', url('/orders'), { token: await userToken('user-drop2'), json: { sku: 'SKU-O-DROP2', quantity: 2 } });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'inventory_unavailable' });
      expect(inventoryCallsSince(calls).map((r) => [r.method, r.status, r.dropped ?? false])).toEqual([
        ['POST', 201, true],
        ['POST', 201, true],
        ['DELETE', 200, false],
      ]);
      expect(inventoryCallsSince(calls)[2]).toMatchObject({ claims: delegatedBy('user-drop2') });
      expect(inventory.reservations.filter((r) => r.sku === 'SKU-O-DROP2')).toEqual([expect.objectContaining({ cancelled: true })]);
      expect(inventory.stockOf('SKU-O-DROP2')).toBe(5);
      expect(await ordersOf('user-drop2')).toEqual([expect.objectContaining({ status: 'failed' })]);
      const listed = await request('GET', url('/orders'), { token: await userToken('user-drop2', 'orders:read') });
      expect(listed).toMatchObject({ status: 200, body: [] });
      expect(await reconciler().reconcile(0)).toEqual({ failed: 0, left: 0 });
    });

    it('both attempts lost and the cancel failing: 503, the order stays pending (not listed); reconcile() cancels as orders-service and fails it', async () => {
      inventory.setStock('SKU-O-DROP3', 5);
      const calls = inventory.requests.length;
      inventory.dropNextResponse(2);
      inventory.failNext(503, 1, 'cancel-by-key');
      const res = await request('POST', url('/orders'), { token: await userToken('user-drop3'), json: { sku: 'SKU-O-DROP3', quantity: 2 } });
      expect(res.status).toBe(503);
      expect(inventoryCallsSince(calls).map((r) => [r.method, r.status])).toEqual([['POST', 201], ['POST', 201], ['DELETE', 503]]);
      expect(inventory.stockOf('SKU-O-DROP3')).toBe(3);
      expect(await ordersOf('user-drop3')).toEqual([expect.objectContaining({ status: 'pending' })]);
      expect((await request('GET', url('/orders'), { token: await userToken('user-drop3', 'orders:read') })).body).toEqual([]);

      const before = inventory.requests.length;
      expect(await reconciler().reconcile(0)).toEqual({ failed: 1, left: 0 });
      const [reservation] = inventory.reservations.filter((r) => r.sku === 'SKU-O-DROP3');
      // The reconciler has no user token: it cancels by key with orders' own client_credentials token.
      expect(inventory.requests.slice(before)).toEqual([
        { method: 'DELETE', path: `/inventory/reservations/by-key/${reservation!.idempotencyKey}`, status: 200, claims: ordersItself },
      ]);
      expect(reservation).toMatchObject({ cancelled: true, reservedFor: 'user-drop3' });
      expect(inventory.stockOf('SKU-O-DROP3')).toBe(5);
      expect(await ordersOf('user-drop3')).toEqual([expect.objectContaining({ status: 'failed' })]);
    });

    it('concurrent orders with many answers lost: every reserved order has its active reservation and vice versa', async () => {
      inventory.setStock('SKU-O-RUSH', 100);
      const tokens = await Promise.all(Array.from({ length: 12 }, (_, i) => userToken(`user-rush-${i}`)));
      inventory.dropNextResponse(18);
      const results = await Promise.all(tokens.map((token) => request('POST', url('/orders'), { token, json: { sku: 'SKU-O-RUSH', quantity: 1 } })));
      expect(results.every((r) => r.status === 201 || r.status === 503)).toBe(true);
      await reconciler().reconcile(0);
      const placed = await db.query<{ reservation_id: string }>(
        "SELECT reservation_id FROM orders.orders WHERE sku = 'SKU-O-RUSH' AND status = 'reserved'",
      );
      const active = inventory.reservations.filter((r) => r.sku === 'SKU-O-RUSH' && !r.cancelled).map((r) => r.id);
      expect(placed.map((o) => o.reservation_id).sort()).toEqual(active.sort());
      expect(results.filter((r) => r.status === 201)).toHaveLength(active.length);
      expect(inventory.stockOf('SKU-O-RUSH')).toBe(100 - active.length);
      expect(await db.one("SELECT count(*)::int AS n FROM orders.orders WHERE sku = 'SKU-O-RUSH' AND status = 'pending'")).toEqual({ n: 0 });
    });
  });

  describe('GET /orders', () => {
    it("returns only the caller's own orders", async () => {
      inventory.setStock('SKU-O-LIST', 10);
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
      const calls = inventory.requests.length;
      const res = await request('GET', url('/catalog'), { token: await userToken() });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.arrayContaining([{ sku: 'SKU-BOOK-001', name: 'The Pragmatic Programmer', available: inventory.stockOf('SKU-BOOK-001') }]));
      expect(requestsSince(mark)).toEqual([
        { clientId: 'orders-service', params: { grant_type: 'client_credentials', audience: 'inventory', scope: 'inventory:read' } },
      ]);
      // inventory saw orders' own token: sub = client_id = orders-service, no act, only inventory:read.
      const serviceToken = { sub: 'orders-service', client_id: 'orders-service', scope: 'inventory:read' };
      expect(inventoryCallsSince(calls)).toEqual([{ method: 'GET', path: '/inventory/items', status: 200, claims: serviceToken }]);
      // The service token is cached: a second read asks auth for nothing.
      const again = issuer.tokenRequests.length;
      expect((await request('GET', url('/catalog'), { token: await userToken() })).status).toBe(200);
      expect(issuer.tokenRequests.length).toBe(again);
      expect(inventoryCallsSince(calls)).toEqual([expect.objectContaining({ claims: serviceToken }), expect.objectContaining({ claims: serviceToken })]);
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

  describe('inventory failing (answers 5xx)', () => {
    it('POST /orders answers 502 inventory_unavailable, and writes no order', async () => {
      inventory.setStock('SKU-O-5XX', 2);
      inventory.failNext(500);
      const res = await request('POST', url('/orders'), { token: await userToken('user-5xx'), json: { sku: 'SKU-O-5XX', quantity: 1 } });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ statusCode: 502, error: 'inventory_unavailable' });
      // A 5xx does not prove nothing was reserved: orders cancels by key (inventory has none: 404) and fails the order.
      expect(inventory.requests.slice(-2)).toEqual([
        expect.objectContaining({ method: 'POST', status: 500, claims: delegatedBy('user-5xx') }),
        expect.objectContaining({ method: 'DELETE', status: 404, claims: delegatedBy('user-5xx') }),
      ]);
      expect(inventory.stockOf('SKU-O-5XX')).toBe(2);
      expect(await ordersOf('user-5xx')).toEqual([expect.objectContaining({ status: 'failed' })]);
    });

    it('GET /catalog answers 502 inventory_unavailable', async () => {
      inventory.failNext(503);
      const res = await request('GET', url('/catalog'), { token: await userToken() });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ statusCode: 502, error: 'inventory_unavailable' });
    });
  });

  describe('inventory down (connection refused)', () => {
    beforeAll(async () => {
      await inventory.down();
    });

    afterAll(async () => {
      await inventory.up();
    });

    it('POST /orders answers 503 inventory_unavailable and lists no order', async () => {
      const res = await request('POST', url('/orders'), { token: await userToken('user-cut'), json: { sku: 'SKU-BOOK-001', quantity: 1 } });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'inventory_unavailable' });
      // Unreachable twice, and the cancel too: whether a request got through is unknown → pending, not listed.
      expect(await ordersOf('user-cut')).toEqual([expect.objectContaining({ status: 'pending' })]);
      expect(await placedOrdersOf('user-cut')).toEqual([]);
    });

    it('the reconciler leaves a pending order alone while inventory is still down', async () => {
      expect(await reconciler().reconcile(0)).toEqual({ failed: 0, left: 1 });
      expect(await ordersOf('user-cut')).toEqual([expect.objectContaining({ status: 'pending' })]);
    });

    it('GET /catalog answers 503 inventory_unavailable', async () => {
      const res = await request('GET', url('/catalog'), { token: await userToken() });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'inventory_unavailable' });
    });
  });

  describe('inventory back up', () => {
    it('the reconciler resolves the order inventory being down left pending (nothing to cancel: 404 → failed)', async () => {
      const before = inventory.requests.length;
      expect(await reconciler().reconcile(0)).toEqual({ failed: 1, left: 0 });
      expect(inventory.requests.slice(before)).toEqual([expect.objectContaining({ method: 'DELETE', status: 404, claims: ordersItself })]);
      expect(await ordersOf('user-cut')).toEqual([expect.objectContaining({ status: 'failed' })]);
    });
  });
});
