import type { AuthErrorCode } from '../errors/auth-guard.error';

/** How a fetch of the issuer's key set ended. */
export type JwksFetchResult = 'success' | 'failure';

/** Which outbound token cache a lookup went to: own tokens (`client_credentials`) or exchanged ones. */
export type OutboundTokenKind = 'service' | 'exchange';

/**
 * Optional callbacks through which an application observes the guard (metrics, tracing) and adds
 * headers to its outbound calls. Pass them as the `hooks` extra of `AuthGuardModule.forRoot()` /
 * `forRootAsync()`. Every member is optional and called synchronously; a hook that throws is
 * ignored (it can never fail a request or a call).
 *
 * @example
 * ```ts
 * AuthGuardModule.forRoot({
 *   issuer, audience: 'orders',
 *   hooks: {
 *     onRejection: ({ code }) => rejections.inc({ code }),
 *     outboundHeaders: () => ({ 'x-request-id': currentRequestId() }),
 *   },
 * });
 * ```
 */
export interface AuthGuardHooks {
  /** The guard refused a request (HTTP 400/401/403, or an RPC rejection) with this error `code`. */
  onRejection?(event: { readonly code: AuthErrorCode; readonly status: number }): void;
  /** A fetch of the issuer's JWK Set ended (`failure`: the last good keys stay in use). */
  onJwksFetch?(result: JwksFetchResult): void;
  /**
   * An outbound token was looked up in its cache: `hit` (reused) or `miss` (requested from the
   * token endpoint, or joined a request in flight).
   */
  onTokenCacheLookup?(event: { readonly kind: OutboundTokenKind; readonly result: 'hit' | 'miss' }): void;
  /**
   * Headers added to every outbound request of this service: to the token endpoint and to target
   * services (`ServiceHttpClient`). Called once per request, so it may read the current inbound
   * request's context (e.g. `x-request-id`, W3C `traceparent`). Never replaces `authorization`,
   * `content-type` or `accept`, nor headers given per call.
   */
  outboundHeaders?(): Readonly<Record<string, string>>;
}
