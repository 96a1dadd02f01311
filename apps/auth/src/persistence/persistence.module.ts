import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Database, migrate } from '@service-trust/service-kit';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';
import { AUTH_MIGRATIONS, AUTH_SCHEMA } from './migrations';

/** Provides the {@link Database}, migrated to the latest schema before anything uses it. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [AUTH_CONFIG],
      useFactory: async (config: AuthConfig) => {
        const db = new Database(config.databaseUrl);
        await migrate(db, AUTH_SCHEMA, AUTH_MIGRATIONS);
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
