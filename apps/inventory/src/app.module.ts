import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthGuardModule } from '@service-trust/auth-guard';
import { authGuardHooks, DatabaseModule, ObservabilityModule, ServiceExceptionsFilter, ServiceMetrics } from '@service-trust/service-kit';
import { InventoryConfigModule } from './config/config.module';
import type { InventoryConfig } from './config/inventory.config';
import { HealthController } from './health/health.controller';
import { ItemRepository } from './items/item.repository';
import { ItemsController } from './items/items.controller';
import { ReservationRepository } from './reservations/reservation.repository';
import { ReservationsController } from './reservations/reservations.controller';
import { INVENTORY_MIGRATIONS, INVENTORY_SCHEMA } from './persistence/migrations';
import { WhoAmIController } from './whoami/whoami.controller';

/** The audience inventory accepts tokens for; also the realm of its challenges. */
export const INVENTORY_AUDIENCE = 'inventory';

const DESCRIPTION =
  'Internal service: stock and reservations. Trusts only access tokens whose audience is `inventory`; taking or giving back stock needs `inventory:reserve` and the caller (and actor) `orders-service`.';

/**
 * The inventory service, built from a validated configuration (see config/inventory.config.ts).
 * Every route needs a valid token for audience `inventory` unless marked `@Public()`.
 */
@Module({})
export class AppModule {
  static forRoot(config: InventoryConfig): DynamicModule {
    // One registry per application instance: two apps in one process (tests) never share counters.
    const metrics = new ServiceMetrics();
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: INVENTORY_AUDIENCE, description: DESCRIPTION, metrics }),
        InventoryConfigModule.forRoot(config),
        AuthGuardModule.forRoot({
          issuer: config.auth.issuer,
          audience: INVENTORY_AUDIENCE,
          jwksUri: config.auth.jwksUri,
          jwksCacheMaxAgeSeconds: config.auth.jwksCacheMaxAgeSeconds,
          jwksRefetchCooldownSeconds: config.auth.jwksRefetchCooldownSeconds,
          client: { ...config.client, tokenUrl: config.auth.tokenUrl },
          hooks: authGuardHooks(metrics),
        }),
        DatabaseModule.forRoot({ url: config.databaseUrl, schema: INVENTORY_SCHEMA, migrations: INVENTORY_MIGRATIONS }),
      ],
      controllers: [ItemsController, ReservationsController, WhoAmIController, HealthController],
      providers: [{ provide: APP_FILTER, useClass: ServiceExceptionsFilter }, ItemRepository, ReservationRepository],
    };
  }
}
