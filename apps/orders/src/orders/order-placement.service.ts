import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@service-trust/auth-guard';
import { InventoryClient } from '../inventory/inventory.client';
import type { OrderBody } from './order.body';
import { OrderNotSavedError } from './order.errors';
import { type Order, OrderRepository } from './order.repository';

/**
 * Places an order without ever leaving half of it behind:
 * 1. reserve the stock in inventory on the user's behalf — if that fails, nothing was written;
 * 2. save the order with the reservation id — if that fails, cancel the reservation (on the
 *    user's behalf again; inventory's cancel is idempotent) and answer 503.
 * The two services have separate databases, so there is no shared transaction: the cancel is the
 * compensation that undoes step 1.
 */
@Injectable()
export class OrderPlacement {
  private readonly logger = new Logger('OrderPlacement');

  constructor(
    private readonly inventory: InventoryClient,
    private readonly orders: OrderRepository,
  ) {}

  async place(user: Principal, { sku, quantity }: OrderBody): Promise<Order> {
    const reservation = await this.inventory.reserve(user, sku, quantity);
    try {
      return await this.orders.insert({ owner: user.sub, sku, quantity, reservationId: reservation.id });
    } catch (error) {
      this.logger.error(`Order not saved (${describe(error)}): cancelling reservation ${reservation.id}`);
      await this.inventory.cancel(user, reservation.id).catch((cancelError: unknown) => {
        // Left for an operator: the reservation id is all that is needed to cancel it by hand.
        this.logger.error(`Compensation failed, reservation ${reservation.id} stays active: ${describe(cancelError)}`);
      });
      throw new OrderNotSavedError();
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
}
