import type { TokenResponse } from './token-endpoint.client';

interface Entry {
  readonly token: string;
  /** When the token is renewed instead of reused (ms). */
  readonly renewAt: number;
}

/**
 * Tokens by key, reused until shortly before they expire (`refreshSkewSeconds`, or 10 % of the
 * lifetime when shorter), with single flight: concurrent requests for one key share one call
 * of the loader. Bounded: the least recently used entry is evicted.
 */
export class CachedTokenStore {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly maxEntries: number,
    private readonly refreshSkewSeconds: number,
    private readonly now: () => number,
    /** Told whether each lookup was answered from the cache (metrics). */
    private readonly onLookup?: (result: 'hit' | 'miss') => void,
  ) {}

  /** The cached token for `key`, or the result of `load` (one call per key at a time). */
  get(key: string, load: () => Promise<TokenResponse>): Promise<string> {
    const entry = this.entries.get(key);
    if (entry && this.now() < entry.renewAt) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.onLookup?.('hit');
      return Promise.resolve(entry.token);
    }
    this.onLookup?.('miss');
    let pending = this.inflight.get(key);
    if (!pending) {
      const startedAt = this.now();
      pending = load()
        .then((response) => {
          this.store(key, response, startedAt);
          return response.accessToken;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** Forgets the token of `key` if it is still `token` (e.g. after the target answered 401). */
  invalidate(key: string, token?: string): void {
    const entry = this.entries.get(key);
    if (entry && (token === undefined || entry.token === token)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, response: TokenResponse, startedAt: number): void {
    if (this.maxEntries <= 0) return;
    const lifetimeMs = response.expiresIn * 1000;
    const skewMs = Math.min(this.refreshSkewSeconds * 1000, lifetimeMs * 0.1);
    this.entries.delete(key);
    this.entries.set(key, { token: response.accessToken, renewAt: startedAt + lifetimeMs - skewMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
