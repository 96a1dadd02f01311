import type { Migration } from '@service-trust/service-kit';

/**
 * Orders record their intent before calling inventory: an order is inserted `pending` with a fresh
 * `idempotency_key` (sent to inventory as `Idempotency-Key`), then becomes `reserved` (with its
 * `reservation_id`) or `failed`. Only `reserved` orders are orders for the user; a `pending` one
 * older than the reconciler's threshold is resolved by it (see apps/orders/README.md).
 * Existing rows are all `reserved` and keep a NULL key (a UNIQUE column allows many NULLs).
 */
export const orderIntent: Migration = {
  id: '002_order_intent',
  sql: `
    ALTER TABLE orders.orders ALTER COLUMN reservation_id DROP NOT NULL;
    ALTER TABLE orders.orders ADD COLUMN idempotency_key uuid UNIQUE;
    ALTER TABLE orders.orders ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
    ALTER TABLE orders.orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending', 'reserved', 'failed'));
    ALTER TABLE orders.orders ADD CONSTRAINT orders_reserved_has_reservation CHECK (status <> 'reserved' OR reservation_id IS NOT NULL);
    CREATE INDEX orders_pending_created_idx ON orders.orders (created_at) WHERE status = 'pending';
  `,
};
