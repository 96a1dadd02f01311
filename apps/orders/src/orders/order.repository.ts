import { Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';

/** An order as the API shows it. */
export interface Order {
  id: string;
  sku: string;
  quantity: number;
  status: 'reserved';
  reservationId: string;
  createdAt: string;
}

const COLUMNS = 'id, sku, quantity, status, reservation_id AS "reservationId", created_at AS "createdAt"';

/** Where an order is: `pending` (intent recorded, stock not confirmed), `reserved`, or `failed`. */
export type OrderStatus = 'pending' | 'reserved' | 'failed';

/** An order row as placement and the reconciler see it, whatever its status. */
export interface StoredOrder {
  id: string;
  owner: string;
  sku: string;
  quantity: number;
  status: OrderStatus;
  reservationId: string | null;
  /** Sent to inventory as `Idempotency-Key`; NULL only for orders placed before migration 002. */
  idempotencyKey: string | null;
  createdAt: string;
}

const STORED_COLUMNS = `${COLUMNS}, owner, idempotency_key AS "idempotencyKey"`;

@Injectable()
export class OrderRepository {
  constructor(private readonly db: Database) {}

  /** Records the intent to order, before anything is reserved: a `pending` order with its key. */
  async insertPending(order: { owner: string; sku: string; quantity: number; idempotencyKey: string }): Promise<StoredOrder> {
    const row = await this.db.one<StoredOrder>(
      `INSERT INTO orders.orders (owner, sku, quantity, status, idempotency_key)
       VALUES ($1, $2, $3, 'pending', $4)
       RETURNING ${STORED_COLUMNS}`,
      [order.owner, order.sku, order.quantity, order.idempotencyKey],
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return normalise(row);
  }

  /**
   * `pending` → `reserved` with the reservation's id. Only from `pending`: an order the reconciler
   * already failed stays failed (`undefined`).
   */
  async markReserved(id: string, reservationId: string): Promise<Order | undefined> {
    const row = await this.db.one<Order>(
      `UPDATE orders.orders SET status = 'reserved', reservation_id = $2, updated_at = now()
        WHERE id = $1 AND status = 'pending'
       RETURNING ${COLUMNS}`,
      [id, reservationId],
    );
    return row && normalise(row);
  }

  /** `pending` → `failed` (only from `pending`); true when this call made the change. */
  async markFailed(id: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE orders.orders SET status = 'failed', updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async find(id: string): Promise<StoredOrder | undefined> {
    const row = await this.db.one<StoredOrder>(`SELECT ${STORED_COLUMNS} FROM orders.orders WHERE id = $1`, [id]);
    return row && normalise(row);
  }

  /** `pending` orders created more than `olderThanMs` ago, oldest first (at most `limit`). */
  async stalePending(olderThanMs: number, limit = 100): Promise<StoredOrder[]> {
    const rows = await this.db.query<StoredOrder>(
      `SELECT ${STORED_COLUMNS} FROM orders.orders
        WHERE status = 'pending' AND created_at <= now() - $1::integer * interval '1 millisecond'
        ORDER BY created_at, id LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map(normalise);
  }

  /** The orders of `owner`, newest first: only `reserved` ones (a pending or failed order is not an order yet/any more). */
  async listByOwner(owner: string): Promise<Order[]> {
    const rows = await this.db.query<Order>(
      `SELECT ${COLUMNS} FROM orders.orders WHERE owner = $1 AND status = 'reserved' ORDER BY created_at DESC, id`,
      [owner],
    );
    return rows.map(normalise);
  }
}

function normalise<T extends { createdAt: string }>(row: T): T {
  const createdAt: unknown = row.createdAt;
  return { ...row, createdAt: createdAt instanceof Date ? createdAt.toISOString() : String(createdAt) };
}
