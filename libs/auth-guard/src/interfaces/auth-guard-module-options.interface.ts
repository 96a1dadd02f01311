import type { AuthGuardHooks } from './auth-guard-hooks.interface';
import type { ServiceClientOptions } from './service-client-options.interface';

/** The JWS algorithms the guard can verify. Symmetric (`HS*`) and `none` are never accepted. */
export type AsymmetricAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/** Options of the bounded verified-token cache. */
export interface TokenCacheOptions {
  /**
   * Maximum number of verified tokens kept (least recently used are evicted). Required.
   * Memory is bounded by roughly `maxEntries × token size` (tokens are capped at 8 KiB).
   */
  maxEntries: number;
}

/**
 * Options of {@link AuthGuardModule}. Only `issuer` and `audience` are required; every other
 * option has a safe default.
 */
export interface AuthGuardModuleOptions {
  /**
   * Required. The issuer identifier, compared exactly (no normalisation, no trailing-slash
   * tolerance) with the token's `iss`, e.g. `https://auth.example.com`.
   */
  issuer: string;
  /**
   * Required. This service's audience name, e.g. `inventory`. A token is accepted only when its
   * `aud` equals it (or is an array containing it).
   */
  audience: string;
  /** Where the issuer publishes its public keys. Default: `<issuer>/.well-known/jwks.json`. */
  jwksUri?: string;
  /**
   * Algorithms accepted in the token header (each key is further bound to its own algorithm).
   * `none` and `HS*` are rejected at startup. Default: `['RS256', 'ES256', 'EdDSA']`.
   */
  algorithms?: AsymmetricAlgorithm[];
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (0–300). Default: `30`. */
  clockToleranceSeconds?: number;
  /**
   * Maximum token lifetime (`exp - iat`) and maximum age (`now - iat`), in seconds.
   * Default: `3600`.
   */
  maxTokenAgeSeconds?: number;
  /** How long a fetched key set is used before it is refreshed, in seconds. Default: `300`. */
  jwksCacheMaxAgeSeconds?: number;
  /**
   * Minimum delay between two key-set fetches caused by tokens with an unknown `kid`, in
   * seconds. Default: `30`.
   */
  jwksRefetchCooldownSeconds?: number;
  /** Timeout of one key-set fetch, in milliseconds. Default: `3000`. */
  jwksFetchTimeoutMs?: number;
  /** The `realm` of `WWW-Authenticate` challenges. Default: the `audience`. */
  realm?: string;
  /**
   * Caches verified tokens (keyed by the whole token) so repeated requests with the same token
   * skip signature and claim checks; `exp`/`nbf`/age are still checked on every request and an
   * entry never outlives its token or its signing key. Default: off.
   */
  tokenCache?: TokenCacheOptions;
  /**
   * Outbound side: credentials of this service at the issuer, for {@link ServiceTokenClient},
   * {@link TokenExchangeClient} and {@link ServiceClients}. Default: not configured (those
   * clients then throw `outbound_not_configured` when used).
   */
  client?: ServiceClientOptions;
}

/** Extra options of `AuthGuardModule.forRoot()` / `forRootAsync()` (not part of the options). */
export interface AuthGuardModuleExtras {
  /** Registers the module globally, so its exports need no re-import. Default: `false`. */
  isGlobal?: boolean;
  /**
   * Registers {@link JwtAuthGuard} as `APP_GUARD`, making every route deny-by-default (use
   * `@Public()` to opt a route out). Set to `false` only to apply the guard yourself with
   * `@UseGuards(JwtAuthGuard)`. Default: `true`.
   */
  globalGuard?: boolean;
  /**
   * Callbacks to observe the guard (rejections, JWKS fetches, outbound token cache) and to add
   * headers to outbound calls (request id, trace context). Default: none.
   */
  hooks?: AuthGuardHooks;
}
