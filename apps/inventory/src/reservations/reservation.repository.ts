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
   *
   * With an `idempotencyKey`, the same statement first looks for the reservation `reservedFor`
   * already made with this key: if there is one it is returned (`replayed: true`, whatever its
   * body — the caller compares) and no stock is taken. Two identical requests racing both miss
   * it; the second INSERT then waits for the first and fails on `UNIQUE (reserved_for,
   * idempotency_key)` (23505), which rolls its whole statement back, stock included: it re-reads
   * the first one's row. A racer that found the stock already taken by its twin re-reads too.
   */
  async reserve(
    sku: string,
    quantity: number,
    reservedFor: string,
    actor: string | null,
    idempotencyKey: string | null = null,
  ): Promise<{ reservation: Reservation; replayed: boolean } | undefined> {
    let row: (Reservation & { replayed: boolean }) | undefined;
    try {
      row = await this.db.one<Reservation & { replayed: boolean }>(
        `WITH existing AS (
           SELECT * FROM inventory.reservations WHERE reserved_for = $3 AND idempotency_key = $5
         ), taken AS (
           UPDATE inventory.items SET available = available - $2
            WHERE sku = $1 AND available >= $2 AND NOT EXISTS (SELECT 1 FROM existing)
           RETURNING sku
         ), inserted AS (
           INSERT INTO inventory.reservations (sku, quantity, reserved_for, actor, idempotency_key)
           SELECT sku, $2, $3, $4, $5 FROM taken
           RETURNING *
         )
         SELECT ${COLUMNS}, false AS replayed FROM inserted
         UNION ALL
         SELECT ${COLUMNS}, true AS replayed FROM existing`,
        [sku, quantity, reservedFor, actor, idempotencyKey],
      );
    } catch (error) {
      if (!(idempotencyKey && isUniqueViolation(error))) throw error;
    }
    if (row) {
      const { replayed, ...reservation } = row;
      return { reservation: normalise(reservation), replayed };
    }
    if (!idempotencyKey) return undefined;
    const twin = await this.findByKey(idempotencyKey, reservedFor);
    return twin && { reservation: twin, replayed: true };
  }

  /** The reservation `reservedFor` made with `idempotencyKey`, if any. */
  async findByKey(idempotencyKey: string, reservedFor: string): Promise<Reservation | undefined> {
    const row = await this.db.one<Reservation>(
      `SELECT ${COLUMNS} FROM inventory.reservations WHERE reserved_for = $1 AND idempotency_key = $2`,
      [reservedFor, idempotencyKey],
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

  /**
   * Cancels by idempotency key, with the same exactly-once restock as {@link cancel}. `subject` is
   * the token's `sub`; it matches the reservations it was made for (`reserved_for`) and, when
   * `asActor` (a token of the service itself, no `act`), also those it made on others' behalf
   * (`actor`): the acting service may undo what it did, which is how orders' reconciler releases
   * a reservation without the user's token. Returns the (first) matching reservation, already
   * cancelled ones unchanged, or `undefined` when there is none.
   */
  async cancelByKey(idempotencyKey: string, subject: string, asActor: boolean): Promise<Reservation | undefined> {
    const matches = 'idempotency_key = $1 AND (reserved_for = $2 OR ($3::boolean AND actor = $2))';
    const cancelled = await this.db.one<Reservation>(
      `WITH cancelled AS (
         UPDATE inventory.reservations SET cancelled_at = now()
          WHERE ${matches} AND cancelled_at IS NULL
         RETURNING *
       ), restocked AS (
         UPDATE inventory.items i SET available = i.available + c.quantity
           FROM (SELECT sku, sum(quantity)::integer AS quantity FROM cancelled GROUP BY sku) c WHERE i.sku = c.sku
         RETURNING i.sku
       )
       SELECT ${COLUMNS} FROM cancelled ORDER BY created_at, id LIMIT 1`,
      [idempotencyKey, subject, asActor],
    );
    if (cancelled) return normalise(cancelled);
    const existing = await this.db.one<Reservation>(
      `SELECT ${COLUMNS} FROM inventory.reservations WHERE ${matches} ORDER BY created_at, id LIMIT 1`,
      [idempotencyKey, subject, asActor],
    );
    return existing && normalise(existing);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

function normalise(row: Reservation): Reservation {
  const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));
  return { ...row, createdAt: iso(row.createdAt), cancelledAt: row.cancelledAt === null ? null : iso(row.cancelledAt) };
}
