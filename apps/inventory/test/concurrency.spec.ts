import { randomUUID } from 'node:crypto';
import { TestIssuer } from '@service-trust/auth-guard/testing';
import { Database } from '@service-trust/service-kit';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { type InventoryTestApp, request, startInventoryTestApp } from '../src/testing/inventory-test-app';

/**
 * Stock stays exact under concurrency on real PostgreSQL: each reservation and each cancellation
 * is one statement whose row lock re-checks the condition, so no unit is sold twice or given back twice.
 */
describe('inventory under concurrency (real PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;
  let issuer: TestIssuer;
  let inventory: InventoryTestApp;
  let token: string;

  beforeAll(async () => {
    [testDb, issuer] = await Promise.all([createTestDatabase('postgres'), TestIssuer.start({ audience: 'inventory' })]);
    inventory = await startInventoryTestApp(testDb.url, issuer.issuer);
    db = new Database(testDb.url, { max: 2 });
    token = await issuer.mint({ sub: 'user-alice', client_id: 'orders-service', scope: 'inventory:read inventory:reserve', act: { sub: 'orders-service' } });
  });

  afterAll(async () => {
    await inventory?.close();
    await db?.close();
    await issuer?.stop();
    await testDb?.drop();
  });

  const available = async (sku: string) => (await db.one<{ available: number }>('SELECT available FROM inventory.items WHERE sku = $1', [sku]))!.available;

  it('100 concurrent reservations of 1 against a stock of 50: exactly 50 succeed, 50 get 409', async () => {
    await db.query("INSERT INTO inventory.items (sku, name, available) VALUES ('SKU-RUSH', 'Rush', 50)");
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        request('POST', `${inventory.baseUrl}/inventory/reservations`, { token, json: { sku: 'SKU-RUSH', quantity: 1 } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 409)).toHaveLength(50);
    expect(await available('SKU-RUSH')).toBe(0);
    expect(await db.one("SELECT count(*)::int AS n, sum(quantity)::int AS total FROM inventory.reservations WHERE sku = 'SKU-RUSH'")).toEqual({ n: 50, total: 50 });
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.body['id'])).size).toBe(50);
  });

  it('mixed quantities racing for a small stock never oversell', async () => {
    await db.query("INSERT INTO inventory.items (sku, name, available) VALUES ('SKU-MIX', 'Mix', 10)");
    const quantities = Array.from({ length: 40 }, (_, i) => (i % 3) + 1);
    const results = await Promise.all(
      quantities.map((quantity) => request('POST', `${inventory.baseUrl}/inventory/reservations`, { token, json: { sku: 'SKU-MIX', quantity } })),
    );
    const taken = results.filter((r) => r.status === 201).reduce((sum, r) => sum + (r.body['quantity'] as number), 0);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(await available('SKU-MIX')).toBe(10 - taken);
    expect(await available('SKU-MIX')).toBeGreaterThanOrEqual(0);
    expect(await db.one("SELECT coalesce(sum(quantity), 0)::int AS total FROM inventory.reservations WHERE sku = 'SKU-MIX'")).toEqual({ total: taken });
  });

  it('20 concurrent cancellations of the same reservation give the stock back exactly once', async () => {
    await db.query("INSERT INTO inventory.items (sku, name, available) VALUES ('SKU-UNDO', 'Undo', 10)");
    const created = await request('POST', `${inventory.baseUrl}/inventory/reservations`, { token, json: { sku: 'SKU-UNDO', quantity: 4 } });
    expect(created.status).toBe(201);
    expect(await available('SKU-UNDO')).toBe(6);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => request('DELETE', `${inventory.baseUrl}/inventory/reservations/${created.body['id']}`, { token })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.body['cancelledAt'])).size).toBe(1);
    expect(await available('SKU-UNDO')).toBe(10);
  });

  it('20 concurrent reservations with the same Idempotency-Key: one reservation, stock taken once, every answer the same', async () => {
    await db.query("INSERT INTO inventory.items (sku, name, available) VALUES ('SKU-TWINS', 'Twins', 10)");
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        request('POST', `${inventory.baseUrl}/inventory/reservations`, { token, json: { sku: 'SKU-TWINS', quantity: 3 }, headers: { 'idempotency-key': key } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body['id'])).size).toBe(1);
    expect(await available('SKU-TWINS')).toBe(7);
    expect(await db.one("SELECT count(*)::int AS n FROM inventory.reservations WHERE sku = 'SKU-TWINS'")).toEqual({ n: 1 });
  });

  it('20 concurrent same-key reservations for the last units: one reservation, no 409 for its twins', async () => {
    await db.query("INSERT INTO inventory.items (sku, name, available) VALUES ('SKU-TWINS-LAST', 'Twins', 2)");
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        request('POST', `${inventory.baseUrl}/inventory/reservations`, { token, json: { sku: 'SKU-TWINS-LAST', quantity: 2 }, headers: { 'idempotency-key': key } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body['id'])).size).toBe(1);
    expect(await available('SKU-TWINS-LAST')).toBe(0);
  });
});
