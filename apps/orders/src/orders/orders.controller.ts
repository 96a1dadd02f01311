import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Principal, RequireScopes } from '@service-trust/auth-guard';
import { ApiBearerProtected, ApiErrorResponse, openApiSchemaOf, parseBody } from '@service-trust/service-kit';
import { orderBody } from './order.body';
import { OrderPlacement } from './order-placement.service';
import { ORDER_SCHEMA, PLACED_ORDER_SCHEMA } from './order.openapi';
import { type Order, OrderRepository } from './order.repository';
import { requireUser } from './user-principal';

/** What `POST /orders` answers (CONTRACT.md). */
export type PlacedOrder = Pick<Order, 'id' | 'sku' | 'quantity' | 'status' | 'reservationId'>;

/** The caller's orders. User tokens only (see {@link requireUser}). */
@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrderRepository,
    private readonly placement: OrderPlacement,
  ) {}

  /** The caller's own orders, newest first. */
  @Get()
  @ApiOperation({ summary: "The caller's own orders, newest first (user token, scope orders:read)" })
  @ApiOkResponse({ schema: { type: 'array', items: ORDER_SCHEMA } })
  @ApiBearerProtected('orders:read')
  @RequireScopes('orders:read')
  list(@Principal() principal: Principal): Promise<Order[]> {
    return this.orders.listByOwner(requireUser(principal).sub);
  }

  /** Reserves the stock in inventory on the caller's behalf, then saves the order. */
  @Post()
  @ApiOperation({ summary: "Place an order: reserves the stock in inventory on the caller's behalf (user token, scope orders:write)" })
  @ApiBody({ schema: openApiSchemaOf(orderBody) })
  @ApiResponse({ status: 201, description: 'Placed', schema: PLACED_ORDER_SCHEMA })
  @ApiErrorResponse(400, 'A body that is not `{sku, quantity}`; `field` names what is wrong')
  @ApiErrorResponse(409, '`insufficient_stock`')
  @ApiErrorResponse(422, '`unknown_sku`')
  @ApiErrorResponse(502, '`inventory_unavailable`: inventory answered an error')
  @ApiErrorResponse(503, '`inventory_unavailable`, `auth_unavailable` or `temporarily_unavailable`: try again shortly')
  @ApiBearerProtected('orders:write')
  @RequireScopes('orders:write')
  async place(@Principal() principal: Principal, @Body() raw: unknown): Promise<PlacedOrder> {
    const user = requireUser(principal);
    const body = parseBody(orderBody, raw);
    const { id, sku, quantity, status, reservationId } = await this.placement.place(user, body);
    return { id, sku, quantity, status, reservationId };
  }
}
