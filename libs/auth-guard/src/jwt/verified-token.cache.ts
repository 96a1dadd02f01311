import type { Principal } from '../interfaces/principal.interface';
import type { TokenTimes } from './access-token.claims';

/** One verified token: everything but the time checks is already done. */
export interface VerifiedTokenEntry {
  readonly principal: Principal;
  readonly times: TokenTimes;
  /** The key that verified it: the entry is dropped when the key leaves the JWKS. */
  readonly kid: string;
}

/**
 * A bounded map of verified tokens, keyed by the whole token string, evicting the least
 * recently used entry when full. Callers re-check the time claims on every hit and delete
 * entries that fail, so an entry never serves past its token's expiry.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedTokenEntry>();

  constructor(readonly maxEntries: number) {}

  get(token: string): VerifiedTokenEntry | undefined {
    const entry = this.entries.get(token);
    if (entry) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(token);
      this.entries.set(token, entry);
    }
    return entry;
  }

  set(token: string, entry: VerifiedTokenEntry): void {
    this.entries.delete(token);
    this.entries.set(token, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
