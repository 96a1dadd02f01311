import { Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';

/** A reservation as the API shows it. */
export interface Reservation {
  id: string;
  sku: string;
  quantity: number;
  /** The `sub` of the token that reserved (the user, for a delegated token). */
  reservedFor: string;
  /** `act.sub` of that token (the acting service), or null when it was not delegated. */
  actor: string | null;
  status: 'active' | 'cancelled';
  createdAt: string;
  cancelledAt: string | null;
}

const COLUMNS = `id, sku, quantity, reserved_for AS "reservedFor", actor,
  CASE WHEN cancelled_at IS NULL THEN 'active' ELSE 'cancelled' END AS status,
  created_at AS "createdAt", cancelled_at AS "cancelledAt"`;

/**
 * Reservations and the stock they take. Every change of state is ONE statement (CTEs), so it is
 * atomic on PostgreSQL and on the embedded engine (which has no interactive transactions), and
 * exact under concurrency: a row-locking UPDATE re-checks its WHERE clause against the latest
 * committed row, so two requests can never both take the last unit or both give it back.
 */
@Injectable()
export class ReservationRepository {
  constructor(private readonly db: Database) {}

  /**
   * Takes `quantity` of `sku` and records the reservation, or does nothing when the sku is
   * unknown or has too little stock (`undefined`; the caller tells the two apart).
   */
  async reserve(sku: string, quantity: number, reservedFor: string, actor: string | null): Promise<Reservation | undefined> {
    const row = await this.db.one<Reservation>(
      `WITH taken AS (
         UPDATE inventory.items SET available = available - $2
          WHERE sku = $1 AND available >= $2
         RETURNING sku
       )
       INSERT INTO inventory.reservations (sku, quantity, reserved_for, actor)
       SELECT sku, $2, $3, $4 FROM taken
       RETURNING ${COLUMNS}`,
      [sku, quantity, reservedFor, actor],
    );
    return row && normalise(row);
  }

  async find(id: string): Promise<Reservation | undefined> {
    const row = await this.db.one<Reservation>(`SELECT ${COLUMNS} FROM inventory.reservations WHERE id = $1`, [id]);
    return row && normalise(row);
  }

  /**
   * Cancels the reservation `id` of `reservedFor` and puts its quantity back, exactly once: only
   * the statement that sets `cancelled_at` (from null) adds the stock back (a data-modifying CTE
   * always runs, referenced or not). Returns the
   * reservation (already cancelled ones unchanged), or `undefined` when `reservedFor` has none
   * with this id.
   */
  async cancel(id: string, reservedFor: string): Promise<Reservation | undefined> {
    const cancelled = await this.db.one<Reservation>(
      `WITH cancelled AS (
         UPDATE inventory.reservations SET cancelled_at = now()
          WHERE id = $1 AND reserved_for = $2 AND cancelled_at IS NULL
         RETURNING *
       ), restocked AS (
         UPDATE inventory.items i SET available = i.available + c.quantity
           FROM cancelled c WHERE i.sku = c.sku
         RETURNING i.sku
       )
       SELECT ${COLUMNS} FROM cancelled`,
      [id, reservedFor],
    );
    if (cancelled) return normalise(cancelled);
    const existing = await this.find(id);
    return existing?.reservedFor === reservedFor ? existing : undefined;
  }
}

function normalise(row: Reservation): Reservation {
  const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));
  return { ...row, createdAt: iso(row.createdAt), cancelledAt: row.cancelledAt === null ? null : iso(row.cancelledAt) };
}
