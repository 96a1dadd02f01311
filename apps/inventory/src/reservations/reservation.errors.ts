import { ConflictException, NotFoundException } from '@nestjs/common';

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
