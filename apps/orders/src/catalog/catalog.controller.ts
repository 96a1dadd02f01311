import { Controller, Get } from '@nestjs/common';
import { Principal, RequireScopes } from '@service-trust/auth-guard';
import { type InventoryItem, InventoryClient } from '../inventory/inventory.client';
import { requireUser } from '../orders/user-principal';

/**
 * `GET /catalog` (an addition to the contract): what can be ordered. orders reads it from
 * inventory with its OWN token (client_credentials, `inventory:read`), not the user's: the
 * catalogue is the same for everyone, so no exchange is needed.
 */
@Controller('catalog')
export class CatalogController {
  constructor(private readonly inventory: InventoryClient) {}

  @Get()
  @RequireScopes('orders:read')
  list(@Principal() principal: Principal): Promise<InventoryItem[]> {
    requireUser(principal);
    return this.inventory.items();
  }
}
