import { type DynamicModule, Global, Module } from '@nestjs/common';
import { INVENTORY_CONFIG, type InventoryConfig } from './inventory.config';

/** Makes the validated {@link InventoryConfig} injectable everywhere as `INVENTORY_CONFIG`. */
@Global()
@Module({})
export class InventoryConfigModule {
  static forRoot(config: InventoryConfig): DynamicModule {
    return { module: InventoryConfigModule, providers: [{ provide: INVENTORY_CONFIG, useValue: config }], exports: [INVENTORY_CONFIG] };
  }
}
