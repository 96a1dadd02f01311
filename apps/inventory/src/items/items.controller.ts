import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@service-trust/auth-guard';
import { ApiBearerProtected } from '@service-trust/service-kit';
import { type Item, ItemRepository } from './item.repository';

@ApiTags('items')
@Controller('inventory/items')
export class ItemsController {
  constructor(private readonly items: ItemRepository) {}

  /** Every item with its available quantity. A service token of orders (client_credentials) will do. */
  @Get()
  @ApiOperation({ summary: 'Every item with its available quantity (scope inventory:read)' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'object', required: ['sku', 'name', 'available'], properties: { sku: { type: 'string', example: 'SKU-MUG-002' }, name: { type: 'string', example: 'Coffee mug' }, available: { type: 'integer', example: 12 } } } } })
  @ApiBearerProtected('inventory:read')
  @RequireScopes('inventory:read')
  list(): Promise<Item[]> {
    return this.items.list();
  }
}
