import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ORDERS_CONFIG, type OrdersConfig } from './orders.config';

/** Makes the validated {@link OrdersConfig} injectable everywhere as `ORDERS_CONFIG`. */
@Global()
@Module({})
export class OrdersConfigModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    return { module: OrdersConfigModule, providers: [{ provide: ORDERS_CONFIG, useValue: config }], exports: [ORDERS_CONFIG] };
  }
}
