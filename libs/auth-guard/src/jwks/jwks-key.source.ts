import { Logger } from '@nestjs/common';
import type { AsymmetricAlgorithm } from '../interfaces/auth-guard-module-options.interface';
import { importJwk, isVerificationKey, type VerificationKey } from './jwk.importer';

/** Settings of a {@link JwksKeySource}. */
export interface JwksKeySourceOptions {
  /** The JWK Set URL. */
  readonly jwksUri: string;
  /** Algorithms keys may be bound to; keys of other algorithms are ignored. */
  readonly algorithms: readonly AsymmetricAlgorithm[];
  /** Age after which the set is refreshed (in the background), in ms. */
  readonly cacheMaxAgeMs: number;
  /** Minimum delay between two fetches, in ms. */
  readonly refetchCooldownMs: number;
  /** Timeout of one fetch (headers and body), in ms. */
  readonly fetchTimeoutMs: number;
  /** Clock in ms (tests). Default: `Date.now`. */
  readonly now?: () => number;
  /** Where fetch failures are reported. Default: a Nest `Logger`. */
  readonly logger?: Pick<Logger, 'warn'>;
  /** Called when a fetch ends, with its result (metrics). Must not throw. Default: none. */
  readonly onFetch?: (result: 'success' | 'failure') => void;
}

/** Largest JWK Set body accepted. */
const MAX_JWKS_BYTES = 256 * 1024;
/** With no key at all (e.g. the issuer was not up yet) the cooldown is at most this long. */
const EMPTY_SET_COOLDOWN_MS = 5_000;

/**
 * The issuer's public keys, fetched from its JWKS endpoint and cached by `kid` as imported
 * KeyObjects bound to one algorithm each.
 *
 * - A known `kid` is answered from memory; a set older than its max age is refreshed in the
 *   background while the current keys keep answering.
 * - An unknown `kid` triggers at most one fetch per cooldown; concurrent lookups share the
 *   fetch in flight (single flight).
 * - A failed fetch (down, slow beyond the timeout, non-2xx, HTML, invalid JSON, no usable key)
 *   changes nothing: the last good keys stay in use.
 * - Redirects are not followed; key URLs from token headers (`jku`, `x5u`) are never used.
 */
export class JwksKeySource {
  private keys = new Map<string, VerificationKey>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly logger: Pick<Logger, 'warn'>;

  constructor(private readonly options: JwksKeySourceOptions) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? new Logger('JwksKeySource');
  }

  /**
   * The key for `kid` if it is in memory (synchronous, no I/O). Schedules a background refresh
   * when the set is older than its max age.
   */
  peek(kid: string): VerificationKey | undefined {
    if (this.now() - this.loadedAt > this.options.cacheMaxAgeMs) this.refreshInBackground();
    return this.keys.get(kid);
  }

  /**
   * The key for `kid`, fetching the set again when the `kid` is unknown and the cooldown allows
   * it (or joining the fetch in flight). Resolves `undefined` when there is no such key; never
   * rejects.
   */
  async getKey(kid: string): Promise<VerificationKey | undefined> {
    const known = this.peek(kid);
    if (known) return known;
    if (!this.inflight && !this.cooldownElapsed()) return undefined;
    await this.refresh();
    return this.keys.get(kid);
  }

  /** True while `kid` is in the current set (a cached verification stays valid only then). */
  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** Number of keys in use. */
  get size(): number {
    return this.keys.size;
  }

  /**
   * Fetches the set now, or joins the fetch in flight. Never rejects: on failure the current
   * keys stay and the failure is logged.
   */
  refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private refreshInBackground(): void {
    if (!this.inflight && this.cooldownElapsed()) void this.refresh();
  }

  private cooldownElapsed(): boolean {
    const cooldown = this.keys.size === 0 ? Math.min(this.options.refetchCooldownMs, EMPTY_SET_COOLDOWN_MS) : this.options.refetchCooldownMs;
    return this.now() - this.lastAttemptAt >= cooldown;
  }

  private async load(): Promise<void> {
    this.lastAttemptAt = this.now();
    try {
      this.keys = await this.fetchKeys();
      this.loadedAt = this.now();
      this.options.onFetch?.('success');
    } catch (error) {
      this.options.onFetch?.('failure');
      const reason = typeof error === 'object' && error !== null ? `${String((error as Error).name)}: ${String((error as Error).message)}` : 'unknown error';
      this.logger.warn(`JWKS fetch from ${this.options.jwksUri} failed (${reason}); keeping ${this.keys.size} known key(s)`);
    }
  }

  private async fetchKeys(): Promise<Map<string, VerificationKey>> {
    const response = await fetch(this.options.jwksUri, {
      headers: { accept: 'application/jwk-set+json, application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.fetchTimeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_JWKS_BYTES) {
      await response.body?.cancel();
      throw new Error('JWK Set too large');
    }
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error('JWK Set too large');
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { keys?: unknown }).keys)) {
      throw new Error('not a JWK Set (no "keys" array)');
    }
    const keys = new Map<string, VerificationKey>();
    const duplicated = new Set<string>();
    for (const jwk of (body as { keys: unknown[] }).keys) {
      const imported = importJwk(jwk, this.options.algorithms);
      if (!isVerificationKey(imported)) continue;
      if (keys.has(imported.kid)) duplicated.add(imported.kid);
      keys.set(imported.kid, imported);
    }
    // Two keys under one kid make that kid ambiguous: neither is used.
    for (const kid of duplicated) keys.delete(kid);
    if (keys.size === 0) throw new Error('JWK Set has no usable signing key');
    return keys;
  }
}
