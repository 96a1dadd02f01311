import { Module } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';
import { Clock, SystemClock } from './key.clock';
import { createKeyService } from './key-service.factory';
import { KeyService } from './key.service';

/**
 * Provides {@link KeyService} (managed or pinned keys, per the configuration) and the
 * {@link Clock} it lives by. Needs the global `Database` and `AUTH_CONFIG`; the keys are loaded
 * (and the first one created) before the application starts, so a wrong
 * AUTH_KEY_ENCRYPTION_KEY or AUTH_SIGNING_KEY_FILE stops start-up. Tests may override `Clock`.
 */
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    {
      provide: KeyService,
      inject: [AUTH_CONFIG, Database, Clock],
      useFactory: (config: AuthConfig, db: Database, clock: Clock) => createKeyService(config, db, clock),
    },
  ],
  exports: [KeyService, Clock],
})
export class KeysModule {}
