import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { type Principal, TargetResponseError, TargetUnreachableError, TokenEndpointError } from '@service-trust/auth-guard';
import { InventoryClient, type InventoryReservation } from '../inventory/inventory.client';
import { toInventoryFailure } from '../inventory/inventory.failure';
import type { OrderBody } from './order.body';
import { OrderNotSavedError } from './order.errors';
import { type Order, OrderRepository, type StoredOrder } from './order.repository';

/**
 * Places an order without ever leaving half of it behind (apps/orders/README.md, "No half-written
 * order"). The two services have separate databases, so there is no shared transaction; instead:
 * 1. record the intent: insert the order `pending` with a fresh idempotency key — if that fails,
 *    nothing was reserved (503);
 * 2. reserve in inventory on the user's behalf with `Idempotency-Key` — a lost answer (unreachable,
 *    timeout, reset) is retried ONCE with the same key, which cannot reserve twice;
 * 3. mark the order `reserved` with the reservation id.
 * When it goes wrong, an order leaves `pending` for `failed` only once it is known that no
 * reservation is active for its key (inventory refused, or the cancel by key answered). Anything
 * still uncertain stays `pending` and the {@link OrderReconciler} resolves it later.
 */
@Injectable()
export class OrderPlacement {
  private readonly logger = new Logger('OrderPlacement');

  constructor(
    private readonly inventory: InventoryClient,
    private readonly orders: OrderRepository,
  ) {}

  async place(user: Principal, { sku, quantity }: OrderBody): Promise<Order> {
    const key = randomUUID();
    let pending: StoredOrder;
    try {
      pending = await this.orders.insertPending({ owner: user.sub, sku, quantity, idempotencyKey: key });
    } catch (error) {
      this.logger.error(`Order not recorded (${describe(error)}): nothing reserved`);
      throw new OrderNotSavedError('The order could not be saved; nothing was reserved. Try again shortly.');
    }

    const attempt = await this.reserve(user, sku, quantity, key);
    if ('error' in attempt) {
      await this.release(user, pending.id, key, attempt);
      return toInventoryFailure(attempt.error);
    }
    const { reservation } = attempt;

    let saved: Order | undefined;
    let cause: unknown;
    try {
      saved = await this.orders.markReserved(pending.id, reservation.id);
    } catch (error) {
      cause = error;
    }
    if (saved) return saved;
    // The UPDATE failed — or it committed and only its answer was lost, or the reconciler failed
    // the order meanwhile. Look before compensating: never cancel the reservation of a saved order.
    const now = await this.orders.find(pending.id).catch(() => undefined);
    if (now?.status === 'reserved' && now.reservationId === reservation.id) {
      const { id, sku: s, quantity: q, reservationId, createdAt } = now;
      return { id, sku: s, quantity: q, status: 'reserved', reservationId, createdAt };
    }
    if (!now) {
      // orders' database cannot even be read: the order may be reserved or still pending. The
      // reconciler resolves it (a pending order's reservation is cancelled by key; a reserved one
      // is left alone), so nothing is cancelled here.
      this.logger.error(`Order ${pending.id} not confirmed (${describe(cause)}): left pending for the reconciler`);
      throw new OrderNotSavedError('The order could not be confirmed; if it was not saved its reservation will be released. Try again shortly.');
    }
    this.logger.error(`Order ${pending.id} not saved (${describe(cause)}): cancelling reservation ${reservation.id} by key`);
    await this.release(user, pending.id, key, { refused: false, unanswered: false });
    throw new OrderNotSavedError();
  }

  /**
   * Reserves with `key`, retrying once — with the same key — when no answer arrived. A failure is
   * `refused` when it proves nothing was reserved: inventory answered 4xx (a repeat of a key that
   * reserved would have answered that reservation), or auth refused before any call reached
   * inventory. `unanswered`: some attempt got no answer, so a request may still be in flight.
   */
  private async reserve(user: Principal, sku: string, quantity: number, key: string): Promise<ReserveAttempt> {
    for (let attempt = 1; ; attempt++) {
      try {
        return { reservation: await this.inventory.reserve(user, sku, quantity, key) };
      } catch (error) {
        if (error instanceof TargetUnreachableError && attempt === 1) {
          this.logger.warn(`inventory ${error.timedOut ? 'timed out' : 'unreachable'} (order key ${key}): retrying once with the same key`);
          continue;
        }
        const refused = (error instanceof TargetResponseError && error.status < 500) || (error instanceof TokenEndpointError && attempt === 1);
        return { error, refused, unanswered: attempt > 1 || error instanceof TargetUnreachableError };
      }
    }
  }

  /**
   * After a failed placement: makes sure no reservation stays active for `order`'s key, then marks
   * it `failed`. A refusal reserved nothing; otherwise the reservation is cancelled by key on the
   * user's behalf. The order stays `pending` for the reconciler when that is not certain: the
   * cancel failed, or it found nothing while an unanswered request might still be in flight.
   * Best-effort: never throws.
   */
  private async release(user: Principal, orderId: string, key: string, { refused, unanswered }: { refused: boolean; unanswered: boolean }): Promise<void> {
    try {
      if (!refused && (await this.inventory.cancelByKey(key, user)) === 'none' && unanswered) {
        this.logger.warn(`Order ${orderId}: no reservation for its key yet; left pending for the reconciler`);
        return;
      }
      await this.orders.markFailed(orderId);
    } catch (error) {
      this.logger.error(`Order ${orderId} left pending for the reconciler (${describe(error)})`);
    }
  }
}

type ReserveAttempt = { reservation: InventoryReservation } | { error: unknown; refused: boolean; unanswered: boolean };

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
}
