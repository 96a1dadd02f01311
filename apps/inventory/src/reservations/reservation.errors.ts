import { ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';

/** 404 `unknown_sku`: no item has this sku. */
export class UnknownSkuError extends NotFoundException {
  constructor(sku: string) {
    super({ statusCode: 404, error: 'unknown_sku', message: `No item has sku "${sku}".` });
  }
}

/** 409 `insufficient_stock`, with the quantity that is available now. */
export class InsufficientStockError extends ConflictException {
  constructor(sku: string, requested: number, available: number) {
    super({
      statusCode: 409,
      error: 'insufficient_stock',
      message: `Only ${available} of "${sku}" available, ${requested} requested.`,
      available,
    });
  }
}

/** 404 `unknown_reservation`: no such reservation (for this caller, when cancelling). */
export class UnknownReservationError extends NotFoundException {
  constructor(id: string) {
    super({ statusCode: 404, error: 'unknown_reservation', message: `No reservation ${id}.` });
  }
}

/**
 * 422 `idempotency_key_reused`: the caller already made a reservation with this `Idempotency-Key`
 * for another sku or quantity. Nothing is taken; the first reservation is unchanged.
 */
export class IdempotencyKeyReusedError extends UnprocessableEntityException {
  constructor() {
    super({
      statusCode: 422,
      error: 'idempotency_key_reused',
      message: 'This Idempotency-Key was already used for a reservation of another sku or quantity.',
      field: 'Idempotency-Key',
    });
  }
}
