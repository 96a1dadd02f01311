import type { AuthGuardHooks } from '../interfaces/auth-guard-hooks.interface';
import { ServiceHttpClient, type ServiceTarget } from './service-http.client';
import type { ServiceTokenClient } from './service-token.client';
import type { TokenExchangeClient } from './token-exchange.client';

/**
 * Creates {@link ServiceHttpClient}s for target services (injectable from `AuthGuardModule`).
 *
 * @example
 * ```ts
 * const inventory = clients.target({ audience: 'inventory', baseUrl: 'http://inventory:3000' });
 * await inventory.asService().post('/stock/reserve', { sku, quantity });
 * await inventory.onBehalfOf(principal).get(`/stock/${sku}`);
 * ```
 */
export class ServiceClients {
  constructor(
    private readonly tokens: ServiceTokenClient,
    private readonly exchange: TokenExchangeClient,
    private readonly requestTimeoutMs = 10_000,
    private readonly hooks: AuthGuardHooks = {},
  ) {}

  /** A client for `target`. Cheap: tokens are cached by the shared token clients. */
  target(target: ServiceTarget): ServiceHttpClient {
    return new ServiceHttpClient(target, this.tokens, this.exchange, this.requestTimeoutMs, this.hooks);
  }
}
