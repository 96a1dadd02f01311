import { Body, Controller, Get, Post } from '@nestjs/common';
import { Principal, RequireScopes } from '@service-trust/auth-guard';
import { parseBody } from '@service-trust/service-kit';
import { orderBody } from './order.body';
import { OrderPlacement } from './order-placement.service';
import { type Order, OrderRepository } from './order.repository';
import { requireUser } from './user-principal';

/** What `POST /orders` answers (CONTRACT.md). */
export type PlacedOrder = Pick<Order, 'id' | 'sku' | 'quantity' | 'status' | 'reservationId'>;

/** The caller's orders. User tokens only (see {@link requireUser}). */
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrderRepository,
    private readonly placement: OrderPlacement,
  ) {}

  /** The caller's own orders, newest first. */
  @Get()
  @RequireScopes('orders:read')
  list(@Principal() principal: Principal): Promise<Order[]> {
    return this.orders.listByOwner(requireUser(principal).sub);
  }

  /** Reserves the stock in inventory on the caller's behalf, then saves the order. */
  @Post()
  @RequireScopes('orders:write')
  async place(@Principal() principal: Principal, @Body() raw: unknown): Promise<PlacedOrder> {
    const user = requireUser(principal);
    const body = parseBody(orderBody, raw);
    const { id, sku, quantity, status, reservationId } = await this.placement.place(user, body);
    return { id, sku, quantity, status, reservationId };
  }
}
