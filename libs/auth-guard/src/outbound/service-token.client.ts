import type { ResolvedServiceClientOptions } from '../module/auth-guard-options.schema';
import { callHook } from '../hooks/call-hook';
import type { AuthGuardHooks } from '../interfaces/auth-guard-hooks.interface';
import { CachedTokenStore } from './cached-token.store';
import { OutboundNotConfiguredError } from './outbound.errors';
import { TokenEndpointClient, type OutboundRuntime } from './token-endpoint.client';

/** Most audiences × scope sets a service keeps tokens for. */
const MAX_SERVICE_TOKENS = 256;

/**
 * Obtains this service's own access tokens (`client_credentials`, RFC 6749 §4.4) per target
 * audience, caches them until shortly before expiry, and makes concurrent callers share one
 * token request per audience. Errors: {@link TokenEndpointError}.
 */
export class ServiceTokenClient {
  private readonly endpoint: TokenEndpointClient | undefined;
  private readonly store: CachedTokenStore;

  constructor(options: ResolvedServiceClientOptions | undefined, runtime: OutboundRuntime = {}, hooks: AuthGuardHooks = {}) {
    this.endpoint = options && new TokenEndpointClient(options, runtime, hooks);
    this.store = new CachedTokenStore(MAX_SERVICE_TOKENS, options?.refreshSkewSeconds ?? 30, runtime.now ?? Date.now, (result) =>
      callHook(() => hooks.onTokenCacheLookup?.({ kind: 'service', result })),
    );
  }

  /** A token for `audience` (with `scopes` when given; otherwise the client's default scopes). */
  getToken(audience: string, scopes: readonly string[] = []): Promise<string> {
    const endpoint = this.endpoint;
    if (!endpoint) return Promise.reject(new OutboundNotConfiguredError());
    const scope = [...new Set(scopes)].sort().join(' ');
    return this.store.get(`${audience}\n${scope}`, () =>
      endpoint.request({ grant_type: 'client_credentials', audience, ...(scope ? { scope } : {}) }),
    );
  }

  /** Drops the cached token of `audience` (only if it is still `token`, when given). */
  invalidate(audience: string, scopes: readonly string[] = [], token?: string): void {
    this.store.invalidate(`${audience}\n${[...new Set(scopes)].sort().join(' ')}`, token);
  }
}
