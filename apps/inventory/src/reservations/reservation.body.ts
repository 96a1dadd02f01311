import { parseBody } from '@service-trust/service-kit';
import { z } from 'zod';

/** `POST /inventory/reservations` body. */
export const reservationBody = z.object({
  sku: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  quantity: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000'),
});

export type ReservationBody = z.infer<typeof reservationBody>;

/** A reservation id in a route: a UUID (any 8-4-4-4-12 hex form PostgreSQL stores). */
const reservationIdParam = z.object({ id: z.guid('must be a UUID') });

/** Parses the `:id` route parameter; a 400 naming `id` when it is not a UUID. */
export function parseReservationId(raw: string): string {
  return parseBody(reservationIdParam, { id: raw }).id.toLowerCase();
}

/** The `Idempotency-Key` request header: a UUID chosen by the caller, one per intended reservation. */
const idempotencyKeyHeader = z.object({ 'Idempotency-Key': z.guid('must be a UUID').optional() });

/** Parses an optional `Idempotency-Key` header; a 400 naming `Idempotency-Key` when it is not a UUID. */
export function parseIdempotencyKey(raw: string | undefined): string | null {
  return parseBody(idempotencyKeyHeader, { 'Idempotency-Key': raw })['Idempotency-Key']?.toLowerCase() ?? null;
}

/** A key in a route (`/by-key/:key`): a UUID; a 400 naming `key` otherwise. */
const keyParam = z.object({ key: z.guid('must be a UUID') });

/** Parses the `:key` route parameter. */
export function parseKeyParam(raw: string): string {
  return parseBody(keyParam, { key: raw }).key.toLowerCase();
}
