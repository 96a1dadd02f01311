import { Controller, Get } from '@nestjs/common';
import { RequireScopes } from '@service-trust/auth-guard';
import { type Item, ItemRepository } from './item.repository';

@Controller('inventory/items')
export class ItemsController {
  constructor(private readonly items: ItemRepository) {}

  /** Every item with its available quantity. A service token of orders (client_credentials) will do. */
  @Get()
  @RequireScopes('inventory:read')
  list(): Promise<Item[]> {
    return this.items.list();
  }
}
