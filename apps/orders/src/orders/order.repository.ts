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

@Injectable()
export class OrderRepository {
  constructor(private readonly db: Database) {}

  /** Saves an order whose stock is already reserved. */
  async insert(order: { owner: string; sku: string; quantity: number; reservationId: string }): Promise<Order> {
    const row = await this.db.one<Order>(
      `INSERT INTO orders.orders (owner, sku, quantity, status, reservation_id)
       VALUES ($1, $2, $3, 'reserved', $4)
       RETURNING ${COLUMNS}`,
      [order.owner, order.sku, order.quantity, order.reservationId],
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return normalise(row);
  }

  /** The orders of `owner`, newest first. */
  async listByOwner(owner: string): Promise<Order[]> {
    const rows = await this.db.query<Order>(`SELECT ${COLUMNS} FROM orders.orders WHERE owner = $1 ORDER BY created_at DESC, id`, [owner]);
    return rows.map(normalise);
  }
}

function normalise(row: Order): Order {
  const createdAt: unknown = row.createdAt;
  return { ...row, createdAt: createdAt instanceof Date ? createdAt.toISOString() : String(createdAt) };
}
