import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthGuardModule } from '@service-trust/auth-guard';
import { authGuardHooks, DatabaseModule, ObservabilityModule, ServiceExceptionsFilter, ServiceMetrics } from '@service-trust/service-kit';
import { CatalogController } from './catalog/catalog.controller';
import { OrdersConfigModule } from './config/config.module';
import type { OrdersConfig } from './config/orders.config';
import { HealthController } from './health/health.controller';
import { InventoryClient } from './inventory/inventory.client';
import { OrderPlacement } from './orders/order-placement.service';
import { OrderReconciler } from './orders/order-reconciler.service';
import { OrderRepository } from './orders/order.repository';
import { OrdersController } from './orders/orders.controller';
import { ORDERS_MIGRATIONS, ORDERS_SCHEMA } from './persistence/migrations';
import { WhoAmIController } from './whoami/whoami.controller';

/** The audience orders accepts tokens for; also the realm of its challenges. */
export const ORDERS_AUDIENCE = 'orders';

const DESCRIPTION =
  'User-facing service: a user\'s orders. Placing one reserves stock in inventory on the user\'s behalf (RFC 8693 token exchange). Needs an access token whose audience is `orders` (log in at auth: `POST /auth/login`).';

/**
 * The orders service, built from a validated configuration (see config/orders.config.ts).
 * Every route needs a valid token for audience `orders` unless marked `@Public()`; the outbound
 * side (`client`) gets orders' own tokens and exchanges users' tokens for inventory.
 */
@Module({})
export class AppModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    // One registry per application instance: two apps in one process (tests) never share counters.
    const metrics = new ServiceMetrics();
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: ORDERS_AUDIENCE, description: DESCRIPTION, metrics }),
        OrdersConfigModule.forRoot(config),
        AuthGuardModule.forRoot({
          issuer: config.auth.issuer,
          audience: ORDERS_AUDIENCE,
          jwksUri: config.auth.jwksUri,
          jwksCacheMaxAgeSeconds: config.auth.jwksCacheMaxAgeSeconds,
          jwksRefetchCooldownSeconds: config.auth.jwksRefetchCooldownSeconds,
          client: { ...config.client, tokenUrl: config.auth.tokenUrl },
          hooks: authGuardHooks(metrics),
        }),
        DatabaseModule.forRoot({ url: config.databaseUrl, schema: ORDERS_SCHEMA, migrations: ORDERS_MIGRATIONS }),
      ],
      controllers: [OrdersController, CatalogController, WhoAmIController, HealthController],
      providers: [{ provide: APP_FILTER, useClass: ServiceExceptionsFilter }, OrderRepository, InventoryClient, OrderPlacement, OrderReconciler],
    };
  }
}
