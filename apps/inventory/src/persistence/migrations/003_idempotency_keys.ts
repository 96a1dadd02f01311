import type { Migration } from '@service-trust/service-kit';

/**
 * Idempotent reservations: a caller may name a reservation with a key (`Idempotency-Key`, a UUID).
 * A key is unique per subject (`reserved_for`), so a retried request finds the reservation it
 * already made instead of taking the stock twice. Reservations without a key (NULL) never collide.
 */
export const idempotencyKeys: Migration = {
  id: '003_idempotency_keys',
  sql: `
    ALTER TABLE inventory.reservations ADD COLUMN idempotency_key uuid;
    ALTER TABLE inventory.reservations
      ADD CONSTRAINT reservations_reserved_for_idempotency_key_key UNIQUE (reserved_for, idempotency_key);
    CREATE INDEX reservations_idempotency_key_idx ON inventory.reservations (idempotency_key) WHERE idempotency_key IS NOT NULL;
  `,
};
