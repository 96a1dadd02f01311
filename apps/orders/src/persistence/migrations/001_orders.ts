import type { Migration } from '@service-trust/service-kit';

/** Orders; `owner` is the `sub` of the user who placed it, `reservation_id` its stock in inventory. */
export const orders: Migration = {
  id: '001_orders',
  sql: `
    CREATE TABLE orders.orders (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner           text NOT NULL,
      sku             text NOT NULL,
      quantity        integer NOT NULL CHECK (quantity > 0),
      status          text NOT NULL,
      reservation_id  uuid NOT NULL UNIQUE,
      created_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX orders_owner_created_idx ON orders.orders (owner, created_at DESC);
  `,
};
