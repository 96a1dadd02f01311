/** What the timeline needs to know of a key. */
export interface TimelineKey {
  readonly kid: string;
  /** 1 for the first key, +1 per rotation; unique, so replicas racing to add a key agree. */
  readonly generation: number;
  /** When the key starts signing (ms since the epoch); it is published from the moment it exists. */
  readonly activatesAt: number;
}

/**
 * The rotation timeline, computed from `activatesAt` alone so that every replica that has read
 * the same rows agrees on it without coordination:
 *
 * - a key is published (in the JWKS, accepted for verification) from the moment it is stored;
 * - the key that signs at `t` is the newest key with `activatesAt <= t` (if clocks are skewed
 *   so that none has activated yet, the oldest key);
 * - a key is retired (stops signing) when the next generation activates, and is removed from
 *   the JWKS `retention` after that.
 *
 * So after `rotate()` at `t0`: [t0, t0 + prepublish) old key signs, both published;
 * [t0 + prepublish, t0 + prepublish + retention) new key signs, both published; then only the
 * new key is published.
 */
export class KeyTimeline<K extends TimelineKey> {
  private readonly keys: readonly K[];

  constructor(keys: readonly K[], private readonly retentionMs: number) {
    this.keys = [...keys].sort((a, b) => a.generation - b.generation);
  }

  /** All keys known, oldest first. */
  all(): readonly K[] {
    return this.keys;
  }

  /** The key that signs at `now`. */
  signing(now: number): K | undefined {
    let current: K | undefined;
    for (const key of this.keys) if (key.activatesAt <= now) current = key;
    return current ?? this.keys[0];
  }

  /** The key published but not yet signing at `now` (a rotation in progress), if any. */
  pending(now: number): K | undefined {
    const current = this.signing(now);
    return this.keys.find((key) => key.activatesAt > now && (!current || key.generation > current.generation));
  }

  /** When `key` stops signing: when the next generation activates (undefined: not planned). */
  retiresAt(key: K): number | undefined {
    return this.keys.find((other) => other.generation > key.generation)?.activatesAt;
  }

  /** When `key` leaves the JWKS (undefined: not planned). */
  removedAt(key: K): number | undefined {
    const retires = this.retiresAt(key);
    return retires === undefined ? undefined : retires + this.retentionMs;
  }

  /** The keys in the JWKS at `now`: every stored key not yet removed. */
  published(now: number): K[] {
    return this.keys.filter((key) => {
      const removed = this.removedAt(key);
      return removed === undefined || removed > now;
    });
  }

  /** Keys removed from the JWKS for longer than `graceMs` at `now`: safe to delete. */
  forgotten(now: number, graceMs: number): K[] {
    return this.keys.filter((key) => {
      const removed = this.removedAt(key);
      return removed !== undefined && removed + graceMs < now;
    });
  }

  /** The highest generation stored (0 when there is none). */
  lastGeneration(): number {
    return this.keys.at(-1)?.generation ?? 0;
  }
}
