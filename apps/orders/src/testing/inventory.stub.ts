import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

/** The claims of a verified token that tell who called and for whom. */
export interface StubClaims {
  sub: string;
  client_id: string;
  scope: string;
  /** RFC 8693 actor (chain), present on delegated tokens only. */
  act?: { sub: string; act?: unknown };
}

/** One request the stub received. `claims` is absent when the token was missing or did not verify. */
export interface StubRequest {
  method: string;
  path: string;
  status: number;
  claims?: StubClaims;
  /** Why the token was refused (`missing_token`, or jose's error code). */
  rejected?: string;
  body?: unknown;
  /** Set when the stub processed the request but dropped the connection instead of answering ({@link InventoryStub.dropNextResponse}). */
  dropped?: true;
}

/** A reservation as the stub keeps it. */
export interface StubReservation {
  id: string;
  sku: string;
  quantity: number;
  reservedFor: string;
  actor: string | null;
  /** The `Idempotency-Key` it was made with, or null. */
  idempotencyKey: string | null;
  cancelled: boolean;
  createdAt: string;
  cancelledAt: string | null;
}

export interface InventoryStubOptions {
  /** The `iss` tokens must carry (e.g. a `TestIssuer`'s `issuer`). */
  issuer: string;
  /** Where the signing keys are published (e.g. a `TestIssuer`'s `jwksUri`). */
  jwksUri: string;
}

const AUDIENCE = 'inventory';
const REALM = 'inventory';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What inventory's reservation routes declare: `@AllowCallers('orders-service')`, `@AllowActors('orders-service')`. */
const RESERVING_SERVICE = 'orders-service';

/** The routes the stub serves. */
export type StubRoute = 'items' | 'reserve' | 'cancel' | 'cancel-by-key';

/** A route's answer. */
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * A fake inventory for orders' tests, on `node:http` (ephemeral port of 127.0.0.1). At the HTTP
 * level it answers what orders uses like the real service does (status codes and bodies of
 * `GET /inventory/items`, `POST /inventory/reservations` with its `Idempotency-Key` (a repeat
 * answers the same reservation, another body is 422 `idempotency_key_reused`),
 * `DELETE /inventory/reservations/:id` and `DELETE /inventory/reservations/by-key/:key` (which the
 * acting service may call with its own token for what it reserved on users' behalf), and the route
 * policies: scopes, allowed caller and actor), so orders never needs to import the inventory app. The real crossing is covered by apps/stack-e2e.
 *
 * Every bearer token is verified with `jose` (not with the guard under test): signature against the
 * issuer's JWKS, `iss`, `aud = inventory`, `typ = at+jwt`. Each request is recorded with the claims
 * that verified, so a test can assert who called and on whose behalf.
 */
export class InventoryStub {
  /** Every request received, in order. */
  readonly requests: StubRequest[] = [];
  /** The headers of each request, in the order of {@link requests} (lower case, without `authorization`). */
  readonly requestHeaders: Readonly<Record<string, string>>[] = [];
  private readonly stock = new Map<string, { name: string; available: number }>();
  private readonly reserved: StubReservation[] = [];
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private failures: { status: number; remaining: number; route?: StubRoute } | undefined;
  private drops = 0;
  private listening = true;

  private constructor(
    private readonly server: Server,
    private readonly port: number,
    private readonly options: InventoryStubOptions,
  ) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUri));
  }

  static async start(options: InventoryStubOptions): Promise<InventoryStub> {
    const ref: { stub?: InventoryStub } = {};
    const server = createServer((req, res) => {
      ref.stub!.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: { statusCode: 500, error: 'stub_error', message: String(error) } });
      });
    });
    await listen(server, 0);
    ref.stub = new InventoryStub(server, (server.address() as AddressInfo).port, options);
    return ref.stub;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Sets (or adds) an item with `available` units. */
  setStock(sku: string, available: number, name = sku): void {
    this.stock.set(sku, { name, available });
  }

  /** Units of `sku` available now; `undefined` for an unknown sku. */
  stockOf(sku: string): number | undefined {
    return this.stock.get(sku)?.available;
  }

  /** Every reservation made so far (copies), in order. */
  get reservations(): StubReservation[] {
    return this.reserved.map((r) => ({ ...r }));
  }

  /**
   * The next `times` requests (after their token verified) answer `status` with an error body —
   * only those of `route` when given (e.g. `'cancel-by-key'`).
   */
  failNext(status: number, times = 1, route?: StubRoute): void {
    this.failures = { status, remaining: times, ...(route ? { route } : {}) };
  }

  /**
   * The next `times` requests are processed as usual (a reservation is made, a cancel applied) but
   * their answer never leaves: the stub destroys the connection instead — a commit whose answer is
   * lost (timeout or reset after the fact). Such requests are recorded with `dropped: true`.
   */
  dropNextResponse(times = 1): void {
    this.drops = times;
  }

  /** Stops listening and drops open connections: inventory is unreachable (connection refused). */
  async down(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port after {@link down}. */
  async up(): Promise<void> {
    if (this.listening) return;
    await listen(this.server, this.port);
    this.listening = true;
  }

  async close(): Promise<void> {
    await this.down();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    const entry: StubRequest = { method, path, status: 0 };
    this.requests.push(entry);
    this.requestHeaders.push(
      Object.fromEntries(Object.entries(req.headers).filter((h): h is [string, string] => h[0] !== 'authorization' && typeof h[1] === 'string')),
    );
    const raw = await readText(req);

    const answer = await this.route(entry, req.headers, raw);
    entry.status = answer.status;
    if (this.drops > 0) {
      this.drops--;
      entry.dropped = true;
      req.socket.destroy();
      return;
    }
    send(res, answer);
  }

  private async route(entry: StubRequest, headers: IncomingMessage['headers'], raw: string): Promise<Answer> {
    const { method, path } = entry;
    const authorization = headers.authorization;
    const cancelMatch = /^\/inventory\/reservations\/([^/]+)$/.exec(path);
    const byKeyMatch = /^\/inventory\/reservations\/by-key\/([^/]+)$/.exec(path);
    const route: StubRoute | undefined =
      method === 'GET' && path === '/inventory/items' ? 'items'
      : method === 'POST' && path === '/inventory/reservations' ? 'reserve'
      : method === 'DELETE' && byKeyMatch ? 'cancel-by-key'
      : method === 'DELETE' && cancelMatch ? 'cancel'
      : undefined;
    if (!route) return { status: 404, body: { statusCode: 404, error: 'Not Found', message: `Cannot ${method} ${path}` } };

    const verified = await this.verify(entry, authorization);
    if ('status' in verified) return verified;
    entry.claims = verified;

    const refused = route === 'items' ? policy(verified, 'inventory:read') : policy(verified, 'inventory:reserve', RESERVING_SERVICE);
    if (refused) return refused;

    if (this.failures && this.failures.remaining > 0 && (!this.failures.route || this.failures.route === route)) {
      this.failures.remaining--;
      return { status: this.failures.status, body: { statusCode: this.failures.status, error: 'stub_failure', message: 'Failure injected by the test.' } };
    }

    if (route === 'items') {
      const items = [...this.stock].map(([sku, { name, available }]) => ({ sku, name, available }));
      return { status: 200, body: items.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)) };
    }
    if (route === 'reserve') {
      const parsed = parseJson(raw);
      entry.body = parsed;
      const key = headers['idempotency-key'];
      return this.reserve(verified, parsed, Array.isArray(key) ? key.join(', ') : key);
    }
    if (route === 'cancel-by-key') return this.cancelByKey(verified, decodeURIComponent(byKeyMatch![1]!));
    return this.cancel(verified, decodeURIComponent(cancelMatch![1]!));
  }

  /** Verifies the bearer token with jose; an answer (401) when there is none or it does not verify. */
  private async verify(entry: StubRequest, authorization: string | undefined): Promise<StubClaims | Answer> {
    const token = /^Bearer ([^\s]+)$/i.exec(authorization ?? '')?.[1];
    if (!token) {
      entry.rejected = 'missing_token';
      return { status: 401, headers: { 'www-authenticate': `Bearer realm="${REALM}"` }, body: authBody(401, 'missing_token', 'No bearer token') };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, { issuer: this.options.issuer, audience: AUDIENCE, typ: 'at+jwt' }));
    } catch (error) {
      entry.rejected = (error as { code?: string }).code ?? 'invalid_token';
      return {
        status: 401,
        headers: { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="The access token is invalid"` },
        body: authBody(401, 'invalid_token', `The access token is invalid (${entry.rejected})`),
      };
    }
    const { sub, client_id, scope, act } = payload as JWTPayload & Record<string, unknown>;
    return {
      sub: String(sub),
      client_id: String(client_id),
      scope: typeof scope === 'string' ? scope : '',
      ...(act !== undefined ? { act: act as StubClaims['act'] } : {}),
    };
  }

  private reserve(claims: StubClaims, body: unknown, rawKey?: string): Answer {
    const record = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined) as Record<string, unknown> | undefined;
    if (!record) return invalid('body', 'The body must be a JSON object.');
    const { sku, quantity } = record;
    if (typeof sku !== 'string' || sku.length < 1 || sku.length > 64) return invalid('sku', 'sku must be a string of 1 to 64 characters');
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 1000) {
      return invalid('quantity', 'quantity must be an integer from 1 to 1000');
    }
    if (rawKey !== undefined && !UUID.test(rawKey)) return invalid('Idempotency-Key', 'Idempotency-Key: must be a UUID');
    const idempotencyKey = rawKey?.toLowerCase() ?? null;
    // A repeat of a key of the same sub answers the reservation it made (whatever its state), takes nothing.
    const earlier = idempotencyKey === null ? undefined : this.reserved.find((r) => r.idempotencyKey === idempotencyKey && r.reservedFor === claims.sub);
    if (earlier) {
      if (earlier.sku !== sku || earlier.quantity !== quantity) {
        return {
          status: 422,
          body: { statusCode: 422, error: 'idempotency_key_reused', message: 'This Idempotency-Key was already used for a reservation of another sku or quantity.', field: 'Idempotency-Key' },
        };
      }
      const { id, reservedFor, actor } = earlier;
      return { status: 201, body: { id, sku, quantity, reservedFor, actor } };
    }
    const item = this.stock.get(sku);
    if (!item) return { status: 404, body: { statusCode: 404, error: 'unknown_sku', message: `No item has sku "${sku}".` } };
    if (item.available < quantity) {
      return {
        status: 409,
        body: { statusCode: 409, error: 'insufficient_stock', message: `Only ${item.available} of "${sku}" available, ${quantity} requested.`, available: item.available },
      };
    }
    item.available -= quantity;
    const reservation: StubReservation = {
      id: randomUUID(),
      sku,
      quantity,
      reservedFor: claims.sub,
      actor: claims.act?.sub ?? null,
      idempotencyKey,
      cancelled: false,
      createdAt: new Date().toISOString(),
      cancelledAt: null,
    };
    this.reserved.push(reservation);
    const { id, reservedFor, actor } = reservation;
    return { status: 201, body: { id, sku, quantity, reservedFor, actor } };
  }

  /** Cancels a reservation of the token's `sub` exactly once; again is 200 unchanged; anyone else's is 404. */
  private cancel(claims: StubClaims, rawId: string): Answer {
    if (!UUID.test(rawId)) return invalid('id', 'id must be a UUID');
    const id = rawId.toLowerCase();
    const reservation = this.reserved.find((r) => r.id === id && r.reservedFor === claims.sub);
    if (!reservation) return { status: 404, body: { statusCode: 404, error: 'unknown_reservation', message: `No reservation ${id}.` } };
    return this.cancelled(reservation);
  }

  /**
   * Cancels by `Idempotency-Key`: the token's `sub`'s reservation with this key, or — for a token of
   * the service itself (no `act`) — one it made on a user's behalf (`actor` = its `sub`).
   */
  private cancelByKey(claims: StubClaims, rawKey: string): Answer {
    if (!UUID.test(rawKey)) return invalid('key', 'key: must be a UUID');
    const key = rawKey.toLowerCase();
    const reservation = this.reserved.find((r) => r.idempotencyKey === key && (r.reservedFor === claims.sub || (!claims.act && r.actor === claims.sub)));
    if (!reservation) return { status: 404, body: { statusCode: 404, error: 'unknown_reservation', message: `No reservation with Idempotency-Key ${key}.` } };
    return this.cancelled(reservation);
  }

  /** Cancels `reservation` once (stock back); again is 200 unchanged. */
  private cancelled(reservation: StubReservation): Answer {
    if (!reservation.cancelled) {
      reservation.cancelled = true;
      reservation.cancelledAt = new Date().toISOString();
      const item = this.stock.get(reservation.sku);
      if (item) item.available += reservation.quantity;
    }
    const { id, sku, quantity, reservedFor, actor, cancelled, createdAt, cancelledAt } = reservation;
    return { status: 200, body: { id, sku, quantity, reservedFor, actor, status: cancelled ? 'cancelled' : 'active', createdAt, cancelledAt } };
  }
}

/** inventory's route policy: allowed caller (`client_id`), allowed actor (delegated tokens), then the scope. */
function policy(claims: StubClaims, scope: string, service?: string): Answer | undefined {
  if (service && claims.client_id !== service) return forbidden('caller_not_allowed', 'The calling client is not allowed on this route');
  if (service && claims.act && claims.act.sub !== service) return forbidden('actor_not_allowed', 'The acting service is not allowed on this route');
  if (!claims.scope.split(' ').includes(scope)) {
    return {
      status: 403,
      headers: { 'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", error_description="Insufficient scope", scope="${scope}"` },
      body: authBody(403, 'insufficient_scope', 'Insufficient scope'),
    };
  }
  return undefined;
}

function forbidden(code: string, message: string): Answer {
  return {
    status: 403,
    headers: { 'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", error_description="${message}"` },
    body: authBody(403, code, message),
  };
}

function authBody(status: 401 | 403, code: string, message: string) {
  return { statusCode: status, error: status === 401 ? 'Unauthorized' : 'Forbidden', code, message };
}

function invalid(field: string, message: string): Answer {
  return { status: 400, body: { statusCode: 400, error: 'invalid_request', message, field } };
}

function parseJson(raw: string): unknown {
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

function send(res: ServerResponse, { status, body, headers = {} }: Answer): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
