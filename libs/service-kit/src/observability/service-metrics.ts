import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Upper bounds (seconds) of the request duration histogram. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus metrics of ONE application instance, in a registry of its own (never prom-client's
 * global registry), so two services started in one process (tests) never share or collide.
 * Served at `GET /metrics` by `createServiceApp`.
 *
 * | metric | labels |
 * |---|---|
 * | `http_requests_total` | `method`, `route` (the route pattern, `unmatched` for 404s), `status` |
 * | `http_request_duration_seconds` (histogram) | `method`, `route`, `status` |
 * | `auth_guard_rejections_total` | `code` (the guard's error code, e.g. `token_expired`) |
 * | `auth_guard_jwks_fetches_total` | `result`: `success`, `failure` |
 * | `auth_guard_service_token_cache_total` | `result`: `hit`, `miss` (own client_credentials tokens) |
 * | `auth_guard_exchange_token_cache_total` | `result`: `hit`, `miss` (tokens exchanged for users) |
 * | `process_*`, `nodejs_*` | prom-client's default process metrics |
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpRequests = this.counter('http_requests_total', 'HTTP requests answered.', ['method', 'route', 'status']);
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, in seconds.',
    labelNames: ['method', 'route', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly guardRejections = this.counter('auth_guard_rejections_total', 'Requests the auth guard refused, by error code.', ['code']);
  readonly jwksFetches = this.counter('auth_guard_jwks_fetches_total', "Fetches of the issuer's JWK Set, by result.", ['result']);
  readonly serviceTokenCache = this.counter(
    'auth_guard_service_token_cache_total',
    "Lookups of this service's own (client_credentials) tokens in their cache, by result.",
    ['result'],
  );
  readonly exchangeTokenCache = this.counter(
    'auth_guard_exchange_token_cache_total',
    'Lookups of exchanged (on-behalf-of) tokens in their cache, by result.',
    ['result'],
  );

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** A counter in this registry (for a service's own metrics). */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** Records one answered request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** The exposition text (`Content-Type`: {@link contentType}). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
