import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Database, migrate } from '@service-trust/service-kit';
import { INVENTORY_CONFIG, type InventoryConfig } from '../config/inventory.config';
import { INVENTORY_MIGRATIONS, INVENTORY_SCHEMA } from './migrations';

/** Provides the {@link Database}, migrated to the latest schema before anything uses it. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [INVENTORY_CONFIG],
      useFactory: async (config: InventoryConfig) => {
        const db = new Database(config.databaseUrl);
        try {
          await migrate(db, INVENTORY_SCHEMA, INVENTORY_MIGRATIONS);
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
