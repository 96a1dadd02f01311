import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Database } from './database';
import { type Migration, migrate } from './migrate';

/** What a service's {@link DatabaseModule} connects to and owns. */
export interface DatabaseModuleOptions {
  /** PostgreSQL URL (`DATABASE_URL`). */
  readonly url: string;
  /** The schema this service owns; no other service reads it. */
  readonly schema: string;
  /** The schema's migrations, in order; applied at start, before anything uses the database. */
  readonly migrations: readonly Migration[];
}

/**
 * Provides the service's {@link Database} globally, migrated to the latest schema before any
 * other provider is built, and closed when the application shuts down.
 *
 * @example
 * imports: [DatabaseModule.forRoot({ url: config.databaseUrl, schema: 'inventory', migrations: INVENTORY_MIGRATIONS })]
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: Database,
          useFactory: async () => {
            const db = new Database(options.url);
            try {
              await migrate(db, options.schema, options.migrations);
            } catch (error) {
              await db.close();
              throw error;
            }
            return db;
          },
        },
      ],
      exports: [Database],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
