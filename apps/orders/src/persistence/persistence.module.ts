import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Database, migrate } from '@service-trust/service-kit';
import { ORDERS_CONFIG, type OrdersConfig } from '../config/orders.config';
import { ORDERS_MIGRATIONS, ORDERS_SCHEMA } from './migrations';

/** Provides the {@link Database}, migrated to the latest schema before anything uses it. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [ORDERS_CONFIG],
      useFactory: async (config: OrdersConfig) => {
        const db = new Database(config.databaseUrl);
        try {
          await migrate(db, ORDERS_SCHEMA, ORDERS_MIGRATIONS);
        } catch (error) {
          await db.close();
          throw error;
        }
        return db;
      },
    },
  ],
  exports: [Database],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
