import { randomUUID } from 'node:crypto';
import { TestIssuer } from '@service-trust/auth-guard/testing';
import { InventoryStub } from '../src/testing/inventory.stub';
import { request } from '../src/testing/orders-test-app';

/**
 * The fake inventory orders' tests rely on: it must refuse what the real inventory refuses (a
 * token that does not verify, the wrong caller or actor, a missing scope) and keep inventory's
 * reservation semantics, or orders' tests would prove nothing.
 */
describe('InventoryStub (the fake inventory of orders’ tests)', () => {
  let issuer: TestIssuer;
  let stub: InventoryStub;
  const url = (path: string) => `${stub.baseUrl}${path}`;
  const delegated = (sub = 'user-alice', actor = 'orders-service', client_id = 'orders-service') =>
    issuer.mint({ sub, client_id, aud: 'inventory', scope: 'inventory:reserve', act: { sub: actor } });

  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory' });
    stub = await InventoryStub.start({ issuer: issuer.issuer, jwksUri: issuer.jwksUri });
  });

  afterAll(async () => {
    await stub?.close();
    await issuer?.stop();
  });

  it('401 for no token, and for tokens jose does not verify (audience, type, issuer, signature)', async () => {
    const none = await request('GET', url('/inventory/items'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="inventory"');

    const stranger = await TestIssuer.start();
    const refused = [
      await issuer.mint({ aud: 'orders', scope: 'inventory:read' }),
      await issuer.mint({ scope: 'inventory:read' }, { typ: 'JWT' }),
      await issuer.mint({ iss: 'http://elsewhere', scope: 'inventory:read' }),
      await stranger.mint({ iss: issuer.issuer, aud: 'inventory', scope: 'inventory:read' }, { kid: issuer.currentKey.kid }),
    ];
    await stranger.stop();
    const mark = stub.requests.length;
    for (const token of refused) {
      const res = await request('GET', url('/inventory/items'), { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'invalid_token' });
    }
    expect(stub.requests.slice(mark).map((r) => [r.status, r.claims, typeof r.rejected])).toEqual(refused.map(() => [401, undefined, 'string']));
  });

  it('enforces inventory’s policy on reservations: caller, actor, scope', async () => {
    stub.setStock('SKU-S-POLICY', 5);
    const reports = await issuer.mint({ sub: 'reports-service', client_id: 'reports-service', aud: 'inventory', scope: 'inventory:reserve' });
    const post = (token: string) => request('POST', url('/inventory/reservations'), { token, json: { sku: 'SKU-S-POLICY', quantity: 1 } });
    expect((await post(reports)).body).toMatchObject({ statusCode: 403, code: 'caller_not_allowed' });
    expect((await post(await delegated('user-alice', 'someone-else'))).body).toMatchObject({ statusCode: 403, code: 'actor_not_allowed' });
    const readOnly = await issuer.mint({ sub: 'orders-service', client_id: 'orders-service', aud: 'inventory', scope: 'inventory:read' });
    const scopeless = await post(readOnly);
    expect(scopeless.status).toBe(403);
    expect(scopeless.headers.get('www-authenticate')).toContain('scope="inventory:reserve"');
    expect(stub.stockOf('SKU-S-POLICY')).toBe(5);
    expect(stub.reservations.filter((r) => r.sku === 'SKU-S-POLICY')).toEqual([]);
  });

  it('reserves like inventory (201, 404 unknown_sku, 409 insufficient_stock with available)', async () => {
    stub.setStock('SKU-S-RES', 2);
    const token = await delegated();
    const created = await request('POST', url('/inventory/reservations'), { token, json: { sku: 'SKU-S-RES', quantity: 2 } });
    expect(created).toMatchObject({ status: 201, body: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), sku: 'SKU-S-RES', quantity: 2, reservedFor: 'user-alice', actor: 'orders-service' } });
    expect(Object.keys(created.body).sort()).toEqual(['actor', 'id', 'quantity', 'reservedFor', 'sku']);
    expect(await request('POST', url('/inventory/reservations'), { token, json: { sku: 'SKU-S-RES', quantity: 1 } })).toMatchObject({
      status: 409,
      body: { statusCode: 409, error: 'insufficient_stock', available: 0 },
    });
    expect(await request('POST', url('/inventory/reservations'), { token, json: { sku: 'SKU-NONE', quantity: 1 } })).toMatchObject({
      status: 404,
      body: { statusCode: 404, error: 'unknown_sku' },
    });
  });

  it('cancels once (idempotent), only for the reservation’s own subject', async () => {
    stub.setStock('SKU-S-CANCEL', 3);
    const id = (await request('POST', url('/inventory/reservations'), { token: await delegated('user-bob'), json: { sku: 'SKU-S-CANCEL', quantity: 2 } })).body['id'] as string;
    const cancel = async (sub: string, reservation = id) => request('DELETE', url(`/inventory/reservations/${reservation}`), { token: await delegated(sub) });
    expect(await cancel('user-alice')).toMatchObject({ status: 404, body: { error: 'unknown_reservation' } });
    expect(stub.stockOf('SKU-S-CANCEL')).toBe(1);
    const first = await cancel('user-bob');
    expect(first).toMatchObject({ status: 200, body: { id, status: 'cancelled', quantity: 2, cancelledAt: expect.any(String) } });
    expect(stub.stockOf('SKU-S-CANCEL')).toBe(3);
    const again = await cancel('user-bob');
    expect(again.body).toEqual(first.body);
    expect(stub.stockOf('SKU-S-CANCEL')).toBe(3);
    expect((await cancel('user-bob', randomUUID())).status).toBe(404);
    expect(await cancel('user-bob', 'not-a-uuid')).toMatchObject({ status: 400, body: { error: 'invalid_request', field: 'id' } });
  });

  it('Idempotency-Key like inventory: a repeat answers the same reservation and takes nothing; another body 422; not a UUID 400', async () => {
    stub.setStock('SKU-S-IDEM', 5);
    const key = randomUUID();
    const post = async (json: unknown, k = key, sub = 'user-alice') =>
      request('POST', url('/inventory/reservations'), { token: await delegated(sub), json, headers: { 'idempotency-key': k } });
    const first = await post({ sku: 'SKU-S-IDEM', quantity: 2 });
    expect(first.status).toBe(201);
    expect(await post({ sku: 'SKU-S-IDEM', quantity: 2 })).toMatchObject({ status: 201, body: first.body });
    expect(stub.stockOf('SKU-S-IDEM')).toBe(3);
    expect(await post({ sku: 'SKU-S-IDEM', quantity: 1 })).toMatchObject({ status: 422, body: { error: 'idempotency_key_reused', field: 'Idempotency-Key' } });
    expect(await post({ sku: 'SKU-S-IDEM', quantity: 1 }, 'nope')).toMatchObject({ status: 400, body: { error: 'invalid_request', field: 'Idempotency-Key' } });
    expect((await post({ sku: 'SKU-S-IDEM', quantity: 1 }, key, 'user-bob')).body['id']).not.toBe(first.body['id']); // per subject
    expect(stub.stockOf('SKU-S-IDEM')).toBe(2);
  });

  it('cancels by key like inventory: the subject, or the acting service itself (no act); anyone else 404; 400 for a malformed key', async () => {
    stub.setStock('SKU-S-BYKEY', 4);
    const service = await issuer.mint({ sub: 'orders-service', client_id: 'orders-service', aud: 'inventory', scope: 'inventory:reserve' });
    const reserve = async (sub: string) => {
      const key = randomUUID();
      await request('POST', url('/inventory/reservations'), { token: await delegated(sub), json: { sku: 'SKU-S-BYKEY', quantity: 2 }, headers: { 'idempotency-key': key } });
      return key;
    };
    const cancel = (key: string, token: string) => request('DELETE', url(`/inventory/reservations/by-key/${key}`), { token });
    const bobs = await reserve('user-bob');
    expect(await cancel(bobs, await delegated('user-alice'))).toMatchObject({ status: 404, body: { error: 'unknown_reservation' } });
    expect(await cancel(bobs, await delegated('user-bob'))).toMatchObject({ status: 200, body: { status: 'cancelled', reservedFor: 'user-bob' } });
    expect(await cancel(bobs, await delegated('user-bob'))).toMatchObject({ status: 200 });
    expect(stub.stockOf('SKU-S-BYKEY')).toBe(4);
    const carols = await reserve('user-carol');
    expect(await cancel(carols, service)).toMatchObject({ status: 200, body: { status: 'cancelled', reservedFor: 'user-carol', actor: 'orders-service' } });
    expect(stub.stockOf('SKU-S-BYKEY')).toBe(4);
    const reports = await issuer.mint({ sub: 'reports-service', client_id: 'reports-service', aud: 'inventory', scope: 'inventory:reserve' });
    expect(await cancel(await reserve('user-dave'), reports)).toMatchObject({ status: 403, body: { code: 'caller_not_allowed' } });
    expect(await cancel(randomUUID(), service)).toMatchObject({ status: 404 });
    expect(await cancel('nope', service)).toMatchObject({ status: 400, body: { field: 'key' } });
  });

  it('dropNextResponse: the request is processed (stock taken), then the connection is dropped without an answer', async () => {
    stub.setStock('SKU-S-DROP', 3);
    stub.dropNextResponse();
    const mark = stub.requests.length;
    await expect(request('POST', url('/inventory/reservations'), { token: await delegated(), json: { sku: 'SKU-S-DROP', quantity: 1 } })).rejects.toThrow();
    expect(stub.stockOf('SKU-S-DROP')).toBe(2);
    expect(stub.requests.slice(mark)).toEqual([expect.objectContaining({ method: 'POST', status: 201, dropped: true })]);
    expect((await request('POST', url('/inventory/reservations'), { token: await delegated(), json: { sku: 'SKU-S-DROP', quantity: 1 } })).status).toBe(201);
  });

  it('fault switches: failNext answers the status once; down refuses connections until up', async () => {
    const token = await issuer.mint({ sub: 'orders-service', client_id: 'orders-service', aud: 'inventory', scope: 'inventory:read' });
    stub.failNext(500);
    expect((await request('GET', url('/inventory/items'), { token })).status).toBe(500);
    expect((await request('GET', url('/inventory/items'), { token })).status).toBe(200);
    await stub.down();
    await expect(request('GET', url('/inventory/items'), { token })).rejects.toThrow();
    await stub.up();
    expect((await request('GET', url('/inventory/items'), { token })).status).toBe(200);
  });
});
