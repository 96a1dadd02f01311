import { Inject, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { callHook } from '../hooks/call-hook';
import type { AuthGuardModuleOptions } from '../interfaces/auth-guard-module-options.interface';
import { AccessTokenVerifier } from '../jwt/access-token.verifier';
import { JwksKeySource } from '../jwks/jwks-key.source';
import { ServiceClients } from '../outbound/service-clients';
import { ServiceTokenClient } from '../outbound/service-token.client';
import { TokenExchangeClient } from '../outbound/token-exchange.client';
import { AuthGuardJwtStrategy } from '../passport/jwt-passport.strategy';
import type { AuthGuardHooks } from '../interfaces/auth-guard-hooks.interface';
import { AUTH_GUARD_HOOKS, AUTH_GUARD_OPTIONS } from './auth-guard.constants';
import {
  AUTH_GUARD_ASYNC_OPTIONS_TYPE,
  AUTH_GUARD_MODULE_OPTIONS,
  AUTH_GUARD_OPTIONS_TYPE,
  ConfigurableAuthGuardModule,
} from './auth-guard.module-definition';
import { resolveAuthGuardOptions, type ResolvedAuthGuardOptions } from './auth-guard-options.schema';

/**
 * Verifies the access tokens of every inbound request (deny by default) and provides the
 * outbound token clients. Options are validated when the module is built; invalid options fail
 * the application start with a message naming what to set.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     AuthGuardModule.forRoot({ issuer: 'https://auth.example.com', audience: 'inventory' }),
 *   ],
 *   controllers: [StockController],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [
    {
      provide: AUTH_GUARD_OPTIONS,
      inject: [AUTH_GUARD_MODULE_OPTIONS],
      useFactory: (options: AuthGuardModuleOptions) => resolveAuthGuardOptions(options),
    },
    {
      provide: JwksKeySource,
      inject: [AUTH_GUARD_OPTIONS, AUTH_GUARD_HOOKS],
      useFactory: (o: ResolvedAuthGuardOptions, hooks: AuthGuardHooks) =>
        new JwksKeySource({
          jwksUri: o.jwksUri,
          algorithms: o.algorithms,
          cacheMaxAgeMs: o.jwksCacheMaxAgeSeconds * 1000,
          refetchCooldownMs: o.jwksRefetchCooldownSeconds * 1000,
          fetchTimeoutMs: o.jwksFetchTimeoutMs,
          ...(hooks.onJwksFetch ? { onFetch: (result) => callHook(() => hooks.onJwksFetch?.(result)) } : {}),
        }),
    },
    {
      provide: AccessTokenVerifier,
      inject: [AUTH_GUARD_OPTIONS, JwksKeySource],
      useFactory: (o: ResolvedAuthGuardOptions, keys: JwksKeySource) =>
        new AccessTokenVerifier(
          {
            issuer: o.issuer,
            audience: o.audience,
            algorithms: o.algorithms,
            clockToleranceSeconds: o.clockToleranceSeconds,
            maxTokenAgeSeconds: o.maxTokenAgeSeconds,
            ...(o.tokenCache ? { tokenCacheMaxEntries: o.tokenCache.maxEntries } : {}),
          },
          keys,
        ),
    },
    AuthGuardJwtStrategy,
    JwtAuthGuard,
    {
      provide: ServiceTokenClient,
      inject: [AUTH_GUARD_OPTIONS, AUTH_GUARD_HOOKS],
      useFactory: (o: ResolvedAuthGuardOptions, hooks: AuthGuardHooks) => new ServiceTokenClient(o.client, {}, hooks),
    },
    {
      provide: TokenExchangeClient,
      inject: [AUTH_GUARD_OPTIONS, AUTH_GUARD_HOOKS],
      useFactory: (o: ResolvedAuthGuardOptions, hooks: AuthGuardHooks) => new TokenExchangeClient(o.client, {}, hooks),
    },
    {
      provide: ServiceClients,
      inject: [AUTH_GUARD_OPTIONS, ServiceTokenClient, TokenExchangeClient, AUTH_GUARD_HOOKS],
      useFactory: (o: ResolvedAuthGuardOptions, tokens: ServiceTokenClient, exchange: TokenExchangeClient, hooks: AuthGuardHooks) =>
        new ServiceClients(tokens, exchange, o.client?.requestTimeoutMs, hooks),
    },
  ],
  exports: [AUTH_GUARD_OPTIONS, JwtAuthGuard, AccessTokenVerifier, JwksKeySource, ServiceTokenClient, TokenExchangeClient, ServiceClients],
})
export class AuthGuardModule extends ConfigurableAuthGuardModule implements OnApplicationBootstrap {
  constructor(@Inject(JwksKeySource) private readonly keys: JwksKeySource) {
    super();
  }

  /** Configures the module with static options (validated immediately). */
  static override forRoot(options: typeof AUTH_GUARD_OPTIONS_TYPE): DynamicModule {
    const moduleOptions: Partial<typeof options> = { ...options };
    delete moduleOptions.isGlobal;
    delete moduleOptions.globalGuard;
    delete moduleOptions.hooks;
    resolveAuthGuardOptions(moduleOptions as AuthGuardModuleOptions);
    return super.forRoot(options);
  }

  /** Configures the module from a factory, class or existing provider (validated at start). */
  static override forRootAsync(options: typeof AUTH_GUARD_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }

  /** Loads the key set in the background so the first request rarely waits for it. */
  onApplicationBootstrap(): void {
    if (this.keys.size === 0) void this.keys.refresh();
  }
}
