import { randomUUID } from 'node:crypto';
import { TestIssuer } from '@service-trust/auth-guard/testing';
import { Database } from '@service-trust/service-kit';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { type InventoryTestApp, request, startInventoryTestApp } from '../src/testing/inventory-test-app';

describe('inventory service (real PostgreSQL, tokens from a test issuer)', () => {
  let testDb: TestDatabase;
  let db: Database;
  let issuer: TestIssuer;
  let inventory: InventoryTestApp;
  const url = (path: string) => `${inventory.baseUrl}${path}`;

  /**
   * A token `actor` got by exchanging `user`'s token (RFC 8693: client_id = act.sub = the exchanging
   * service, as auth issues it). `client` overrides client_id, for act chains auth would not issue.
   */
  const delegated = (user = 'user-alice', scope = 'inventory:read inventory:reserve', actor = 'orders-service', client = actor) =>
    issuer.mint({ sub: user, client_id: client, scope, act: { sub: actor } });
  /** A service's own client_credentials token (sub = client_id), orders-service's by default. */
  const service = (scope = 'inventory:read', client = 'orders-service') => issuer.mint({ sub: client, client_id: client, scope });
  const reservationsOf = async (sku: string) => (await db.one<{ n: number }>('SELECT count(*)::int AS n FROM inventory.reservations WHERE sku = $1', [sku]))!.n;
  const stockOf = async (sku: string) => (await db.one<{ available: number }>('SELECT available FROM inventory.items WHERE sku = $1', [sku]))?.available;
  const setStock = (sku: string, available: number) =>
    db.query(
      `INSERT INTO inventory.items (sku, name, available) VALUES ($1, $1, $2)
       ON CONFLICT (sku) DO UPDATE SET available = EXCLUDED.available`,
      [sku, available],
    );

  beforeAll(async () => {
    [testDb, issuer] = await Promise.all([createTestDatabase('postgres'), TestIssuer.start({ audience: 'inventory', alg: 'ES256' })]);
    inventory = await startInventoryTestApp(testDb.url, issuer.issuer);
    db = new Database(testDb.url);
  });

  afterAll(async () => {
    await inventory?.close();
    await db?.close();
    await issuer?.stop();
    await testDb?.drop();
  });

  describe('GET /health/live and /health/ready', () => {
    it('answer without a token', async () => {
      expect(await request('GET', url('/health/live'))).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(await request('GET', url('/health/ready'))).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: 'up' } } });
    });
  });

  describe('GET /inventory/items', () => {
    it('lists the seeded demo items for a service token with inventory:read', async () => {
      const res = await request('GET', url('/inventory/items'), { token: await service() });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        expect.arrayContaining([
          { sku: 'SKU-BOOK-001', name: 'The Pragmatic Programmer', available: expect.any(Number) },
          { sku: 'SKU-MUG-002', name: 'Coffee mug', available: expect.any(Number) },
          { sku: 'SKU-PEN-003', name: 'Fountain pen', available: expect.any(Number) },
          { sku: 'SKU-RARE-004', name: 'Signed first edition', available: expect.any(Number) },
        ]),
      );
    });

    it('401 with a bare challenge when no token is sent', async () => {
      const res = await request('GET', url('/inventory/items'));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="inventory"');
    });

    it('401 invalid_token for a token signed with a key the issuer never published', async () => {
      const token = await service();
      const [header, payload] = token.split('.');
      const forged = `${header}.${payload}.${issuer.sign(`${header}.${payload}`, await otherKey())}`;
      const res = await request('GET', url('/inventory/items'), { token: forged });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(res.body).toMatchObject({ code: 'invalid_signature' });
    });

    it('401 invalid_token for a token meant for orders (audiences stay apart)', async () => {
      const token = await issuer.mint({ sub: 'user-alice', client_id: 'orders-web', aud: 'orders', scope: 'inventory:read' });
      const res = await request('GET', url('/inventory/items'), { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(res.body).toMatchObject({ code: 'invalid_audience' });
    });

    it('403 insufficient_scope naming inventory:read for a token without it', async () => {
      const res = await request('GET', url('/inventory/items'), { token: await service('inventory:reserve') });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('scope="inventory:read"');
    });
  });

  describe('POST /inventory/reservations', () => {
    it('201: takes the stock and records the user (sub) and the acting service (act.sub)', async () => {
      await setStock('SKU-T-HAPPY', 5);
      const res = await request('POST', url('/inventory/reservations'), { token: await delegated(), json: { sku: 'SKU-T-HAPPY', quantity: 2 } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), sku: 'SKU-T-HAPPY', quantity: 2, reservedFor: 'user-alice', actor: 'orders-service' });
      expect(await stockOf('SKU-T-HAPPY')).toBe(3);
      const row = await db.one('SELECT sku, quantity, reserved_for, actor, cancelled_at FROM inventory.reservations WHERE id = $1', [res.body['id']]);
      expect(row).toEqual({ sku: 'SKU-T-HAPPY', quantity: 2, reserved_for: 'user-alice', actor: 'orders-service', cancelled_at: null });
    });

    it('201 with actor null for a token that is not delegated', async () => {
      await setStock('SKU-T-DIRECT', 1);
      const res = await request('POST', url('/inventory/reservations'), { token: await service('inventory:reserve'), json: { sku: 'SKU-T-DIRECT', quantity: 1 } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ reservedFor: 'orders-service', actor: null });
    });

    it('403 insufficient_scope naming inventory:reserve for a read-only token, and takes nothing', async () => {
      await setStock('SKU-T-SCOPE', 1);
      const res = await request('POST', url('/inventory/reservations'), { token: await delegated('user-alice', 'inventory:read'), json: { sku: 'SKU-T-SCOPE', quantity: 1 } });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(res.headers.get('www-authenticate')).toContain('scope="inventory:reserve"');
      expect(await stockOf('SKU-T-SCOPE')).toBe(1);
    });

    it('403 caller_not_allowed for another service reserving as itself, even with inventory:reserve, and takes nothing', async () => {
      await setStock('SKU-T-CALLER', 1);
      const token = await service('inventory:reserve', 'reports-service');
      const res = await request('POST', url('/inventory/reservations'), { token, json: { sku: 'SKU-T-CALLER', quantity: 1 } });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'caller_not_allowed' });
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(await stockOf('SKU-T-CALLER')).toBe(1);
      expect(await reservationsOf('SKU-T-CALLER')).toBe(0);
    });

    it('403 caller_not_allowed when another service exchanged the user token (client_id = act.sub = reports-service), and takes nothing', async () => {
      await setStock('SKU-T-ACTOR', 1);
      const token = await delegated('user-alice', 'inventory:read inventory:reserve', 'reports-service');
      const res = await request('POST', url('/inventory/reservations'), { token, json: { sku: 'SKU-T-ACTOR', quantity: 1 } });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'caller_not_allowed' });
      expect(await stockOf('SKU-T-ACTOR')).toBe(1);
    });

    it('403 actor_not_allowed when act names another service though client_id is orders-service, and takes nothing', async () => {
      await setStock('SKU-T-ACTOR-2', 1);
      const token = await delegated('user-alice', 'inventory:read inventory:reserve', 'someone-else', 'orders-service');
      const res = await request('POST', url('/inventory/reservations'), { token, json: { sku: 'SKU-T-ACTOR-2', quantity: 1 } });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'actor_not_allowed' });
      expect(await stockOf('SKU-T-ACTOR-2')).toBe(1);
      expect(await reservationsOf('SKU-T-ACTOR-2')).toBe(0);
    });

    it('401 without a token, never reaching body validation', async () => {
      const res = await request('POST', url('/inventory/reservations'), { json: { sku: '', quantity: 0 } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="inventory"');
    });

    it.each([
      ['sku missing', { quantity: 1 }, 'sku'],
      ['sku empty', { sku: '', quantity: 1 }, 'sku'],
      ['sku too long', { sku: 'S'.repeat(65), quantity: 1 }, 'sku'],
      ['sku not a string', { sku: 42, quantity: 1 }, 'sku'],
      ['quantity missing', { sku: 'SKU-BOOK-001' }, 'quantity'],
      ['quantity zero', { sku: 'SKU-BOOK-001', quantity: 0 }, 'quantity'],
      ['quantity negative', { sku: 'SKU-BOOK-001', quantity: -3 }, 'quantity'],
      ['quantity fractional', { sku: 'SKU-BOOK-001', quantity: 1.5 }, 'quantity'],
      ['quantity over 1000', { sku: 'SKU-BOOK-001', quantity: 1001 }, 'quantity'],
      ['quantity a string', { sku: 'SKU-BOOK-001', quantity: '2' }, 'quantity'],
    ])('400 naming the field: %s', async (_case, json, field) => {
      const res = await request('POST', url('/inventory/reservations'), { token: await delegated(), json });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'invalid_request', field });
      expect(res.body['message']).toEqual(expect.stringContaining(field));
    });

    it('400 for a body that is not a JSON object or not JSON at all, never a 500', async () => {
      const token = await delegated();
      expect((await request('POST', url('/inventory/reservations'), { token, json: '[1]' })).status).toBe(400);
      expect((await request('POST', url('/inventory/reservations'), { token, json: '{"sku":' })).status).toBe(400);
    });

    it('404 unknown_sku for a sku no item has', async () => {
      const res = await request('POST', url('/inventory/reservations'), { token: await delegated(), json: { sku: 'SKU-NOPE', quantity: 1 } });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'unknown_sku', message: expect.any(String) });
    });

    it('409 insufficient_stock with the available quantity, and takes nothing', async () => {
      await setStock('SKU-T-SHORT', 2);
      const res = await request('POST', url('/inventory/reservations'), { token: await delegated(), json: { sku: 'SKU-T-SHORT', quantity: 3 } });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'insufficient_stock', available: 2 });
      expect(await stockOf('SKU-T-SHORT')).toBe(2);
      expect(await db.one('SELECT count(*)::int AS n FROM inventory.reservations WHERE sku = $1', ['SKU-T-SHORT'])).toEqual({ n: 0 });
    });
  });

  describe('GET /inventory/reservations/:id', () => {
    it('200 with the reservation for an inventory:read token', async () => {
      await setStock('SKU-T-GET', 3);
      const created = await request('POST', url('/inventory/reservations'), { token: await delegated('user-bob'), json: { sku: 'SKU-T-GET', quantity: 1 } });
      const res = await request('GET', url(`/inventory/reservations/${created.body['id']}`), { token: await service() });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: created.body['id'],
        sku: 'SKU-T-GET',
        quantity: 1,
        reservedFor: 'user-bob',
        actor: 'orders-service',
        status: 'active',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        cancelledAt: null,
      });
    });

    it('400 naming id for an id that is not a UUID', async () => {
      const res = await request('GET', url('/inventory/reservations/not-a-uuid'), { token: await service() });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request', field: 'id' });
    });

    it('404 unknown_reservation for an id nobody reserved', async () => {
      const res = await request('GET', url(`/inventory/reservations/${randomUUID()}`), { token: await service() });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'unknown_reservation' });
    });

    it('403 insufficient_scope naming inventory:read for a reserve-only token', async () => {
      const res = await request('GET', url(`/inventory/reservations/${randomUUID()}`), { token: await service('inventory:reserve') });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('scope="inventory:read"');
    });
  });

  describe('DELETE /inventory/reservations/:id (cancel, used by orders to compensate)', () => {
    const reserve = async (sku: string, quantity: number, user = 'user-alice') =>
      (await request('POST', url('/inventory/reservations'), { token: await delegated(user), json: { sku, quantity } })).body['id'] as string;

    it('puts the stock back once; cancelling again is 200 with no stock change', async () => {
      await setStock('SKU-T-CANCEL', 4);
      const id = await reserve('SKU-T-CANCEL', 3);
      expect(await stockOf('SKU-T-CANCEL')).toBe(1);
      const first = await request('DELETE', url(`/inventory/reservations/${id}`), { token: await delegated() });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ id, status: 'cancelled', cancelledAt: expect.any(String), quantity: 3 });
      expect(await stockOf('SKU-T-CANCEL')).toBe(4);
      const again = await request('DELETE', url(`/inventory/reservations/${id}`), { token: await delegated() });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await stockOf('SKU-T-CANCEL')).toBe(4);
    });

    it("404 for someone else's reservation, which stays active", async () => {
      await setStock('SKU-T-OTHER', 2);
      const id = await reserve('SKU-T-OTHER', 1, 'user-bob');
      const res = await request('DELETE', url(`/inventory/reservations/${id}`), { token: await delegated('user-alice') });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'unknown_reservation' });
      expect(await stockOf('SKU-T-OTHER')).toBe(1);
    });

    it('404 for an unknown id, 400 naming id for a malformed one', async () => {
      expect((await request('DELETE', url(`/inventory/reservations/${randomUUID()}`), { token: await delegated() })).status).toBe(404);
      const bad = await request('DELETE', url('/inventory/reservations/123'), { token: await delegated() });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ field: 'id' });
    });

    it('403 for another caller, another actor or without inventory:reserve, and gives nothing back', async () => {
      await setStock('SKU-T-CANCEL-403', 1);
      const id = await reserve('SKU-T-CANCEL-403', 1);
      const cancelWith = async (token: string) => request('DELETE', url(`/inventory/reservations/${id}`), { token });
      const otherCaller = await service('inventory:reserve', 'reports-service');
      expect(await cancelWith(otherCaller)).toMatchObject({ status: 403, body: { code: 'caller_not_allowed' } });
      const otherExchanger = await delegated('user-alice', 'inventory:reserve', 'reports-service');
      expect(await cancelWith(otherExchanger)).toMatchObject({ status: 403, body: { code: 'caller_not_allowed' } });
      const otherActor = await delegated('user-alice', 'inventory:reserve', 'someone-else', 'orders-service');
      expect(await cancelWith(otherActor)).toMatchObject({ status: 403, body: { code: 'actor_not_allowed' } });
      const readOnly = await delegated('user-alice', 'inventory:read');
      const res = await request('DELETE', url(`/inventory/reservations/${id}`), { token: readOnly });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('scope="inventory:reserve"');
      expect(await stockOf('SKU-T-CANCEL-403')).toBe(0);
    });
  });

  describe('Idempotency-Key on POST /inventory/reservations, and DELETE /inventory/reservations/by-key/:key', () => {
    const reserveWithKey = async (key: string, json: unknown, token?: string) =>
      request('POST', url('/inventory/reservations'), { token: token ?? (await delegated()), json, headers: { 'idempotency-key': key } });
    const cancelByKey = async (key: string, token: string) => request('DELETE', url(`/inventory/reservations/by-key/${key}`), { token });

    it('the same key twice from the same sub: one reservation, the same 201 body, stock taken once', async () => {
      await setStock('SKU-T-IDEM', 5);
      const key = randomUUID();
      const first = await reserveWithKey(key, { sku: 'SKU-T-IDEM', quantity: 2 });
      const again = await reserveWithKey(key, { sku: 'SKU-T-IDEM', quantity: 2 });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await stockOf('SKU-T-IDEM')).toBe(3);
      expect(await reservationsOf('SKU-T-IDEM')).toBe(1);
      expect(await db.one('SELECT idempotency_key FROM inventory.reservations WHERE id = $1', [first.body['id']])).toEqual({ idempotency_key: key });
    });

    it('keys are per subject: the same key from another user is another reservation', async () => {
      await setStock('SKU-T-IDEM-USERS', 5);
      const key = randomUUID();
      const alice = await reserveWithKey(key, { sku: 'SKU-T-IDEM-USERS', quantity: 1 }, await delegated('user-alice'));
      const bob = await reserveWithKey(key, { sku: 'SKU-T-IDEM-USERS', quantity: 1 }, await delegated('user-bob'));
      expect([alice.status, bob.status]).toEqual([201, 201]);
      expect(bob.body['id']).not.toBe(alice.body['id']);
      expect(await stockOf('SKU-T-IDEM-USERS')).toBe(3);
    });

    it('422 idempotency_key_reused for the same key with another sku or quantity; nothing taken, the first unchanged', async () => {
      await setStock('SKU-T-IDEM-REUSE', 5);
      await setStock('SKU-T-IDEM-REUSE-2', 5);
      const key = randomUUID();
      const first = await reserveWithKey(key, { sku: 'SKU-T-IDEM-REUSE', quantity: 1 });
      expect(first.status).toBe(201);
      for (const json of [{ sku: 'SKU-T-IDEM-REUSE', quantity: 2 }, { sku: 'SKU-T-IDEM-REUSE-2', quantity: 1 }]) {
        const res = await reserveWithKey(key, json);
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ statusCode: 422, error: 'idempotency_key_reused', field: 'Idempotency-Key' });
      }
      expect(await stockOf('SKU-T-IDEM-REUSE')).toBe(4);
      expect(await stockOf('SKU-T-IDEM-REUSE-2')).toBe(5);
      expect(await reservationsOf('SKU-T-IDEM-REUSE-2')).toBe(0);
    });

    it('400 naming Idempotency-Key for a key that is not a UUID, and takes nothing', async () => {
      await setStock('SKU-T-IDEM-BAD', 1);
      for (const key of ['not-a-uuid', '1234', `${randomUUID()}x`]) {
        const res = await reserveWithKey(key, { sku: 'SKU-T-IDEM-BAD', quantity: 1 });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'invalid_request', field: 'Idempotency-Key' });
        expect(res.body['message']).toEqual(expect.stringContaining('Idempotency-Key'));
      }
      expect(await stockOf('SKU-T-IDEM-BAD')).toBe(1);
    });

    it('a replay of a key after its reservation ran out of stock still answers the reservation (no 409)', async () => {
      await setStock('SKU-T-IDEM-LAST', 1);
      const key = randomUUID();
      const first = await reserveWithKey(key, { sku: 'SKU-T-IDEM-LAST', quantity: 1 });
      const again = await reserveWithKey(key, { sku: 'SKU-T-IDEM-LAST', quantity: 1 });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.body['id']).toBe(first.body['id']);
      expect(await stockOf('SKU-T-IDEM-LAST')).toBe(0);
    });

    it('cancel by key by the user: stock back once; again 200 unchanged; a replay after it takes nothing', async () => {
      await setStock('SKU-T-BYKEY', 4);
      const key = randomUUID();
      const created = await reserveWithKey(key, { sku: 'SKU-T-BYKEY', quantity: 3 });
      const first = await cancelByKey(key, await delegated());
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ id: created.body['id'], status: 'cancelled', quantity: 3, cancelledAt: expect.any(String) });
      expect(await stockOf('SKU-T-BYKEY')).toBe(4);
      const again = await cancelByKey(key, await delegated());
      expect(again).toMatchObject({ status: 200, body: first.body });
      expect(await stockOf('SKU-T-BYKEY')).toBe(4);
      // The key stays spent: a late retry of the reservation answers the (cancelled) one, takes nothing.
      const late = await reserveWithKey(key, { sku: 'SKU-T-BYKEY', quantity: 3 });
      expect(late.status).toBe(201);
      expect(late.body['id']).toBe(created.body['id']);
      expect(await stockOf('SKU-T-BYKEY')).toBe(4);
    });

    it('cancel by key by orders-service itself (client_credentials, no act) for a reservation it made on a user\'s behalf', async () => {
      await setStock('SKU-T-BYKEY-SVC', 2);
      const key = randomUUID();
      const created = await reserveWithKey(key, { sku: 'SKU-T-BYKEY-SVC', quantity: 2 }, await delegated('user-carol'));
      expect(await stockOf('SKU-T-BYKEY-SVC')).toBe(0);
      const res = await cancelByKey(key, await service('inventory:reserve'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: created.body['id'], reservedFor: 'user-carol', actor: 'orders-service', status: 'cancelled' });
      expect(await stockOf('SKU-T-BYKEY-SVC')).toBe(2);
      expect((await cancelByKey(key, await service('inventory:reserve'))).status).toBe(200);
      expect(await stockOf('SKU-T-BYKEY-SVC')).toBe(2);
    });

    it('refuses everyone else: another user 404, another service 403, no inventory:reserve 403, and gives nothing back', async () => {
      await setStock('SKU-T-BYKEY-403', 1);
      const key = randomUUID();
      expect((await reserveWithKey(key, { sku: 'SKU-T-BYKEY-403', quantity: 1 }, await delegated('user-dave'))).status).toBe(201);
      expect(await cancelByKey(key, await delegated('user-alice'))).toMatchObject({ status: 404, body: { error: 'unknown_reservation' } });
      expect(await cancelByKey(key, await service('inventory:reserve', 'reports-service'))).toMatchObject({ status: 403, body: { code: 'caller_not_allowed' } });
      expect(await cancelByKey(key, await delegated('user-dave', 'inventory:reserve', 'reports-service'))).toMatchObject({ status: 403, body: { code: 'caller_not_allowed' } });
      expect(await cancelByKey(key, await delegated('user-dave', 'inventory:reserve', 'someone-else', 'orders-service'))).toMatchObject({ status: 403, body: { code: 'actor_not_allowed' } });
      const readOnly = await cancelByKey(key, await delegated('user-dave', 'inventory:read'));
      expect(readOnly.status).toBe(403);
      expect(readOnly.headers.get('www-authenticate')).toContain('scope="inventory:reserve"');
      expect(await stockOf('SKU-T-BYKEY-403')).toBe(0);
    });

    it('the service itself cannot cancel by key a reservation made without an actor for someone else', async () => {
      // A direct (non-delegated) reservation of orders-service is its own: reserved_for = orders-service.
      await setStock('SKU-T-BYKEY-OWN', 1);
      const key = randomUUID();
      expect((await reserveWithKey(key, { sku: 'SKU-T-BYKEY-OWN', quantity: 1 }, await service('inventory:reserve'))).status).toBe(201);
      expect((await cancelByKey(key, await delegated('user-alice'))).status).toBe(404);
      expect((await cancelByKey(key, await service('inventory:reserve'))).status).toBe(200);
      expect(await stockOf('SKU-T-BYKEY-OWN')).toBe(1);
    });

    it('404 for an unknown key, 400 naming key for a malformed one', async () => {
      expect(await cancelByKey(randomUUID(), await delegated())).toMatchObject({ status: 404, body: { error: 'unknown_reservation' } });
      expect(await cancelByKey('nope', await delegated())).toMatchObject({ status: 400, body: { error: 'invalid_request', field: 'key' } });
    });
  });

  describe('GET /whoami', () => {
    it('shows the verified principal, with act for a delegated token', async () => {
      const res = await request('GET', url('/whoami'), { token: await delegated('user-alice', 'inventory:read inventory:reserve') });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sub: 'user-alice', client_id: 'orders-service', scope: 'inventory:read inventory:reserve', aud: 'inventory', act: { sub: 'orders-service' } });
    });

    it('has no act for a service token, and needs no particular scope', async () => {
      const res = await request('GET', url('/whoami'), { token: await service('') });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sub: 'orders-service', client_id: 'orders-service', scope: '', aud: 'inventory' });
    });

    it('401 without a token', async () => {
      expect((await request('GET', url('/whoami'))).status).toBe(401);
    });
  });

  /** A signing key of the same algorithm that the issuer does not publish. */
  async function otherKey() {
    const stranger = await TestIssuer.start({ alg: 'ES256' });
    await stranger.stop();
    return { ...stranger.currentKey, kid: issuer.currentKey.kid };
  }
});
