import { createHash } from 'node:crypto';
import type { ResolvedServiceClientOptions } from '../module/auth-guard-options.schema';
import { callHook } from '../hooks/call-hook';
import type { AuthGuardHooks } from '../interfaces/auth-guard-hooks.interface';
import { CachedTokenStore } from './cached-token.store';
import { OutboundNotConfiguredError } from './outbound.errors';
import { TokenEndpointClient, type OutboundRuntime } from './token-endpoint.client';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * Exchanges a user's access token for one addressed to another service (RFC 8693), so this
 * service can call it on the user's behalf. Results are cached per (subject token, audience,
 * scopes) until shortly before expiry, bounded by `exchangeCacheMaxEntries`; the cache is keyed
 * by a SHA-256 of the subject token. Errors: {@link TokenEndpointError}.
 */
export class TokenExchangeClient {
  private readonly endpoint: TokenEndpointClient | undefined;
  private readonly store: CachedTokenStore;

  constructor(options: ResolvedServiceClientOptions | undefined, runtime: OutboundRuntime = {}, hooks: AuthGuardHooks = {}) {
    this.endpoint = options && new TokenEndpointClient(options, runtime, hooks);
    this.store = new CachedTokenStore(options?.exchangeCacheMaxEntries ?? 0, options?.refreshSkewSeconds ?? 30, runtime.now ?? Date.now, (result) =>
      callHook(() => hooks.onTokenCacheLookup?.({ kind: 'exchange', result })),
    );
  }

  /** A token for `audience` on behalf of the subject of `subjectToken`. */
  exchange(subjectToken: string, audience: string, scopes: readonly string[] = []): Promise<string> {
    const endpoint = this.endpoint;
    if (!endpoint) return Promise.reject(new OutboundNotConfiguredError());
    const scope = [...new Set(scopes)].sort().join(' ');
    return this.store.get(cacheKey(subjectToken, audience, scope), () =>
      endpoint.request({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: subjectToken,
        subject_token_type: ACCESS_TOKEN_TYPE,
        requested_token_type: ACCESS_TOKEN_TYPE,
        audience,
        ...(scope ? { scope } : {}),
      }),
    );
  }

  /** Drops a cached exchanged token (only if it is still `token`, when given). */
  invalidate(subjectToken: string, audience: string, scopes: readonly string[] = [], token?: string): void {
    this.store.invalidate(cacheKey(subjectToken, audience, [...new Set(scopes)].sort().join(' ')), token);
  }
}

function cacheKey(subjectToken: string, audience: string, scope: string): string {
  return `${createHash('sha256').update(subjectToken).digest('base64url')}\n${audience}\n${scope}`;
}
