import type { Migration } from '@service-trust/service-kit';

/**
 * Items and their reservations. `available` can never go negative (CHECK), and a reservation
 * keeps its quantity after cancellation so the history stays readable.
 */
export const stock: Migration = {
  id: '001_stock',
  sql: `
    CREATE TABLE inventory.items (
      sku        text PRIMARY KEY,
      name       text NOT NULL,
      available  integer NOT NULL CHECK (available >= 0)
    );
    CREATE TABLE inventory.reservations (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      sku           text NOT NULL REFERENCES inventory.items (sku),
      quantity      integer NOT NULL CHECK (quantity > 0),
      reserved_for  text NOT NULL,
      actor         text,
      created_at    timestamptz NOT NULL DEFAULT now(),
      cancelled_at  timestamptz
    );
    CREATE INDEX reservations_reserved_for_idx ON inventory.reservations (reserved_for);
  `,
};
