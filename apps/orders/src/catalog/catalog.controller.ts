import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, RequireScopes } from '@service-trust/auth-guard';
import { ApiBearerProtected, ApiErrorResponse } from '@service-trust/service-kit';
import { type InventoryItem, InventoryClient } from '../inventory/inventory.client';
import { requireUser } from '../orders/user-principal';

/**
 * `GET /catalog` (an addition to the contract): what can be ordered. orders reads it from
 * inventory with its OWN token (client_credentials, `inventory:read`), not the user's: the
 * catalogue is the same for everyone, so no exchange is needed.
 */
@ApiTags('catalog')
@Controller('catalog')
export class CatalogController {
  constructor(private readonly inventory: InventoryClient) {}

  @Get()
  @ApiOperation({ summary: 'What can be ordered, read from inventory (user token, scope orders:read)' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'object', required: ['sku', 'name', 'available'], properties: { sku: { type: 'string', example: 'SKU-MUG-002' }, name: { type: 'string', example: 'Coffee mug' }, available: { type: 'integer', example: 12 } } } } })
  @ApiErrorResponse(502, '`inventory_unavailable`: inventory answered an error')
  @ApiErrorResponse(503, '`inventory_unavailable` or `auth_unavailable`: try again shortly')
  @ApiBearerProtected('orders:read')
  @RequireScopes('orders:read')
  list(@Principal() principal: Principal): Promise<InventoryItem[]> {
    requireUser(principal);
    return this.inventory.items();
  }
}
