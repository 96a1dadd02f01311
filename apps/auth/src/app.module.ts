import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DatabaseModule, ObservabilityModule } from '@service-trust/service-kit';
import { KeysAdminController } from './admin/keys-admin.controller';
import { ClientAuthenticator } from './clients/client.authenticator';
import { ClientRepository } from './clients/client.repository';
import type { AuthConfig } from './config/auth.config';
import { AuthConfigModule } from './config/config.module';
import { DiscoveryController } from './discovery/discovery.controller';
import { HealthController } from './health/health.controller';
import { ExceptionsFilter } from './http/exceptions.filter';
import { DemoIdentitiesSeeder } from './identities/demo-identities.seeder';
import { KeysModule } from './keys/keys.module';
import { HousekeepingService } from './maintenance/housekeeping.service';
import { IssuedTokensCounter } from './metrics/issued-tokens.counter';
import { AccessTokenFactory } from './oauth/access-token.factory';
import { ClientCredentialsGrant } from './oauth/grants/client-credentials.grant';
import { TOKEN_GRANTS } from './oauth/grants/token-grant';
import { TokenExchangeGrant } from './oauth/grants/token-exchange.grant';
import { IntrospectionController } from './oauth/introspection.controller';
import { RevocationController } from './oauth/revocation.controller';
import { RevokedTokensRepository } from './oauth/revoked-tokens.repository';
import { TokenController } from './oauth/token.controller';
import { AUTH_MIGRATIONS, AUTH_SCHEMA } from './persistence/migrations';
import { RefreshTokenRepository } from './sessions/refresh-token.repository';
import { SessionController } from './sessions/session.controller';
import { SessionService } from './sessions/session.service';
import { RateLimiter } from './throttling/rate-limiter';
import { PasswordHasher } from './users/password.hasher';
import { UserRepository } from './users/user.repository';

const DESCRIPTION =
  'The token issuer: OAuth 2.0 client_credentials and RFC 8693 token exchange (form-encoded, client authentication with HTTP Basic or `client_secret_post`), introspection, revocation, first-party user login with refresh-token rotation, discovery and the public JWKS.';

/** The auth service: built from a validated configuration (see config/auth.config.ts). */
@Module({})
export class AppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'auth', description: DESCRIPTION, clientAuthentication: true }),
        AuthConfigModule.forRoot(config),
        DatabaseModule.forRoot({ url: config.databaseUrl, schema: AUTH_SCHEMA, migrations: AUTH_MIGRATIONS }),
        KeysModule,
      ],
      controllers: [
        DiscoveryController,
        TokenController,
        IntrospectionController,
        RevocationController,
        SessionController,
        KeysAdminController,
        HealthController,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ExceptionsFilter },
        ClientRepository,
        ClientAuthenticator,
        UserRepository,
        PasswordHasher,
        DemoIdentitiesSeeder,
        RateLimiter,
        AccessTokenFactory,
        RevokedTokensRepository,
        RefreshTokenRepository,
        SessionService,
        HousekeepingService,
        IssuedTokensCounter,
        ClientCredentialsGrant,
        TokenExchangeGrant,
        {
          provide: TOKEN_GRANTS,
          inject: [ClientCredentialsGrant, TokenExchangeGrant],
          useFactory: (...grants: unknown[]) => grants,
        },
      ],
    };
  }
}
