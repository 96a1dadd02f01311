import type { ResolvedServiceClientOptions } from '../module/auth-guard-options.schema';

/** Resolved client options for tests (instant retries). */
export function clientOptions(tokenUrl: string, overrides: Partial<ResolvedServiceClientOptions> = {}): ResolvedServiceClientOptions {
  return {
    clientId: 'orders', clientSecret: 's3cr3t:with%special chars', tokenUrl, timeoutMs: 1000,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, refreshSkewSeconds: 30, exchangeCacheMaxEntries: 100,
    requestTimeoutMs: 1000, ...overrides,
  };
}
