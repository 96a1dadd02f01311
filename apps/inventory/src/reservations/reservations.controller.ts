import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AllowActors, AllowCallers, Principal, RequireScopes } from '@service-trust/auth-guard';
import { ApiBearerProtected, ApiErrorResponse, openApiSchemaOf, parseBody } from '@service-trust/service-kit';
import { ItemRepository } from '../items/item.repository';
import { parseIdempotencyKey, parseKeyParam, parseReservationId, reservationBody } from './reservation.body';
import { IdempotencyKeyReusedError, InsufficientStockError, UnknownReservationError, UnknownSkuError } from './reservation.errors';
import { CREATED_RESERVATION_SCHEMA, INSUFFICIENT_STOCK_SCHEMA, RESERVATION_SCHEMA } from './reservation.openapi';
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
@ApiTags('reservations')
@Controller('inventory/reservations')
export class ReservationsController {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly items: ItemRepository,
  ) {}

  /**
   * Reserves stock for the token's `sub`, recording the acting service (`act.sub`) if any.
   * With an `Idempotency-Key` header (a UUID), a repeated request of the same `sub` with the same
   * key answers the reservation it already made (201, same body) and takes no stock again; the
   * same key with another sku or quantity is a 422 `idempotency_key_reused`.
   */
  @Post()
  @ApiOperation({ summary: 'Reserve stock (scope inventory:reserve; caller and actor orders-service)' })
  @ApiBody({ schema: openApiSchemaOf(reservationBody) })
  @ApiResponse({ status: 201, description: 'Reserved', schema: CREATED_RESERVATION_SCHEMA })
  @ApiErrorResponse(400, 'A body that is not `{sku, quantity}`; `field` names what is wrong')
  @ApiErrorResponse(404, '`unknown_sku`')
  @ApiErrorResponse(409, '`insufficient_stock`, with the quantity available', INSUFFICIENT_STOCK_SCHEMA)
  @ApiErrorResponse(422, '`idempotency_key_reused`: the `Idempotency-Key` was used for another sku or quantity')
  @ApiBearerProtected('inventory:reserve')
  @RequireScopes('inventory:reserve')
  @AllowCallers(RESERVING_SERVICE)
  @AllowActors(RESERVING_SERVICE)
  async reserve(
    @Principal() principal: Principal,
    @Body() raw: unknown,
    @Headers('idempotency-key') rawKey: string | undefined,
  ): Promise<CreatedReservation> {
    const { sku, quantity } = parseBody(reservationBody, raw);
    const key = parseIdempotencyKey(rawKey);
    const outcome = await this.reservations.reserve(sku, quantity, principal.sub, principal.actor?.sub ?? null, key);
    if (!outcome) {
      // Nothing was taken: tell an unknown sku from too little stock (read after the fact: the
      // number is informative, the decision was made atomically above).
      const item = await this.items.find(sku);
      if (!item) throw new UnknownSkuError(sku);
      throw new InsufficientStockError(sku, quantity, item.available);
    }
    const { reservation, replayed } = outcome;
    if (replayed && (reservation.sku !== sku || reservation.quantity !== quantity)) throw new IdempotencyKeyReusedError();
    const { id, reservedFor, actor } = reservation;
    return { id, sku: reservation.sku, quantity: reservation.quantity, reservedFor, actor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A reservation (scope inventory:read)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: RESERVATION_SCHEMA })
  @ApiErrorResponse(400, '`id` is not a UUID')
  @ApiErrorResponse(404, '`unknown_reservation`')
  @ApiBearerProtected('inventory:read')
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
  @ApiOperation({ summary: "Cancel one of the token subject's reservations, giving the stock back (idempotent)" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The cancelled reservation', schema: RESERVATION_SCHEMA })
  @ApiErrorResponse(404, '`unknown_reservation` (none, or not this subject\'s)')
  @ApiBearerProtected('inventory:reserve')
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

  /**
   * Cancels the reservation made with `Idempotency-Key` `:key`, with the rules and idempotency of
   * the cancel by id, for the token's `sub` — and, for a token of the service itself (no `act`),
   * also the reservations it made on users' behalf (`actor` = its `sub`): the acting service may
   * undo what it did without the user's token (orders' reconciler does). None is a 404.
   */
  @Delete('by-key/:key')
  @ApiOperation({ summary: 'Cancel a reservation by its Idempotency-Key, giving the stock back (idempotent)' })
  @ApiParam({ name: 'key', format: 'uuid' })
  @ApiOkResponse({ description: 'The cancelled reservation', schema: RESERVATION_SCHEMA })
  @ApiErrorResponse(400, '`key` is not a UUID')
  @ApiErrorResponse(404, '`unknown_reservation` (none with this key for this subject or acting service)')
  @ApiBearerProtected('inventory:reserve')
  @HttpCode(200)
  @RequireScopes('inventory:reserve')
  @AllowCallers(RESERVING_SERVICE)
  @AllowActors(RESERVING_SERVICE)
  async cancelByKey(@Principal() principal: Principal, @Param('key') rawKey: string): Promise<Reservation> {
    const key = parseKeyParam(rawKey);
    const reservation = await this.reservations.cancelByKey(key, principal.sub, !principal.actor);
    if (!reservation) throw new UnknownReservationError(`with Idempotency-Key ${key}`);
    return reservation;
  }
}
