import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AllowActors, AllowCallers, Principal, RequireScopes } from '@service-trust/auth-guard';
import { parseBody } from '@service-trust/service-kit';
import { ItemRepository } from '../items/item.repository';
import { parseReservationId, reservationBody } from './reservation.body';
import { InsufficientStockError, UnknownReservationError, UnknownSkuError } from './reservation.errors';
import { type Reservation, ReservationRepository } from './reservation.repository';

/** What `POST /inventory/reservations` answers (CONTRACT.md). */
export type CreatedReservation = Pick<Reservation, 'id' | 'sku' | 'quantity' | 'reservedFor' | 'actor'>;

/** The only service that may take or give back stock, as itself or on behalf of a user. */
const RESERVING_SERVICE = 'orders-service';

/**
 * Reservations of stock. Taking and giving back stock needs `inventory:reserve` AND the caller
 * (`client_id`) must be orders-service: a scope alone is not enough, since any client granted
 * `inventory:reserve` by auth could otherwise reserve. For a delegated token (token exchange)
 * `client_id` is the exchanging client, so the caller check covers it too; `@AllowActors` stays as
 * a second, independent check on `act.sub`.
 */
@Controller('inventory/reservations')
export class ReservationsController {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly items: ItemRepository,
  ) {}

  /** Reserves stock for the token's `sub`, recording the acting service (`act.sub`) if any. */
  @Post()
  @RequireScopes('inventory:reserve')
  @AllowCallers(RESERVING_SERVICE)
  @AllowActors(RESERVING_SERVICE)
  async reserve(@Principal() principal: Principal, @Body() raw: unknown): Promise<CreatedReservation> {
    const { sku, quantity } = parseBody(reservationBody, raw);
    const reservation = await this.reservations.reserve(sku, quantity, principal.sub, principal.actor?.sub ?? null);
    if (!reservation) {
      // Nothing was taken: tell an unknown sku from too little stock (read after the fact: the
      // number is informative, the decision was made atomically above).
      const item = await this.items.find(sku);
      if (!item) throw new UnknownSkuError(sku);
      throw new InsufficientStockError(sku, quantity, item.available);
    }
    const { id, reservedFor, actor } = reservation;
    return { id, sku: reservation.sku, quantity: reservation.quantity, reservedFor, actor };
  }

  @Get(':id')
  @RequireScopes('inventory:read')
  async find(@Param('id') rawId: string): Promise<Reservation> {
    const id = parseReservationId(rawId);
    const reservation = await this.reservations.find(id);
    if (!reservation) throw new UnknownReservationError(id);
    return reservation;
  }

  /**
   * Cancels a reservation of the token's `sub` and gives its stock back, exactly once. Idempotent:
   * cancelling again answers 200 with the same cancelled reservation and changes no stock.
   * Someone else's reservation, or none, is a 404.
   */
  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('inventory:reserve')
  @AllowCallers(RESERVING_SERVICE)
  @AllowActors(RESERVING_SERVICE)
  async cancel(@Principal() principal: Principal, @Param('id') rawId: string): Promise<Reservation> {
    const id = parseReservationId(rawId);
    const reservation = await this.reservations.cancel(id, principal.sub);
    if (!reservation) throw new UnknownReservationError(id);
    return reservation;
  }
}
