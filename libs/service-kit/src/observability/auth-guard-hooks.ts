import { outboundRequestHeaders } from './trace-context';
import type { ServiceMetrics } from './service-metrics';

/**
 * The `hooks` to give `AuthGuardModule.forRoot()` (structurally its `AuthGuardHooks`): guard
 * rejections, JWKS fetches and token cache lookups counted in `metrics`, and the current request's
 * `x-request-id` and `traceparent` added to every outbound call (token endpoint and target services).
 *
 * @example
 * const metrics = new ServiceMetrics();
 * imports: [
 *   ObservabilityModule.forRoot({ service: 'orders', metrics }),
 *   AuthGuardModule.forRoot({ issuer, audience: 'orders', hooks: authGuardHooks(metrics) }),
 * ]
 */
export function authGuardHooks(metrics: ServiceMetrics) {
  return {
    onRejection: ({ code }: { readonly code: string }) => metrics.guardRejections.inc({ code }),
    onJwksFetch: (result: 'success' | 'failure') => metrics.jwksFetches.inc({ result }),
    onTokenCacheLookup: ({ kind, result }: { readonly kind: 'service' | 'exchange'; readonly result: 'hit' | 'miss' }) =>
      (kind === 'service' ? metrics.serviceTokenCache : metrics.exchangeTokenCache).inc({ result }),
    outboundHeaders: outboundRequestHeaders,
  };
}
