import { Logger } from '@nestjs/common';
import type { JWK } from 'jose';
import { verifyAccessToken } from './access-token.verifier';
import type { Clock } from './key.clock';
import { NoSigningKeyError } from './key.errors';
import { KeyService, type RotationPlan, type VerifiedAccessToken } from './key.service';
import type { KeySource, LoadedKey } from './key.source';
import { KeyTimeline } from './key.timeline';

/** How often the key table is re-read, so other replicas' rotations are picked up. */
export const KEY_REFRESH_MS = 30_000;
const CLOCK_TOLERANCE_SECONDS = 30;

export interface KeyRingOptions {
  readonly issuer: string;
  readonly prepublishSeconds: number;
  readonly retentionSeconds: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The {@link KeyService}: keys held in memory as key objects, the timeline of {@link KeyTimeline}
 * applied at the injected clock's `now`, the source re-read at most every {@link KEY_REFRESH_MS}
 * (and on rotate). Signing touches the database only when that refresh is due.
 *
 * `rotate()` while a rotation is pending is idempotent: it returns the pending plan, adding no key.
 */
export class KeyRingService extends KeyService {
  private readonly logger = new Logger('Keys');
  private keys = new Map<string, LoadedKey>();
  private timeline = new KeyTimeline<LoadedKey>([], 0);
  private loadedAt = Number.NEGATIVE_INFINITY;
  private refreshing?: Promise<void>;

  constructor(
    private readonly source: KeySource,
    private readonly clock: Clock,
    private readonly options: KeyRingOptions,
  ) {
    super();
  }

  /** Loads the keys (creating the first one if there is none); throws when they are unusable. */
  async start(): Promise<this> {
    await this.reload(true);
    return this;
  }

  async signAccessToken(claims: Record<string, unknown>): Promise<string> {
    await this.fresh();
    const key = this.timeline.signing(this.clock.now());
    if (!key?.signer) throw new NoSigningKeyError(`No usable signing key${key ? ` (${key.kid} cannot be decrypted here)` : ''}.`);
    return key.signer.signJwt(claims, 'at+jwt');
  }

  async verifyAccessToken(token: string): Promise<VerifiedAccessToken> {
    await this.fresh();
    const now = this.clock.now();
    const published = new Map(this.timeline.published(now).map((key) => [key.kid, key]));
    return verifyAccessToken(token, published, { issuer: this.options.issuer, now, clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS });
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    await this.fresh();
    return { keys: this.timeline.published(this.clock.now()).map((key) => ({ ...key.publicJwk })) };
  }

  async rotate(): Promise<RotationPlan> {
    await this.reload(false);
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      const pending = this.timeline.pending(now);
      if (pending) return this.plan(now, pending);
      const added = await this.source.publishNext(this.timeline.lastGeneration() + 1, now + this.options.prepublishSeconds * 1000);
      if (added) await this.forgetRemovedKeys(now);
      await this.reload(false);
    }
    throw new Error('Could not start a key rotation: the key table keeps changing.');
  }

  async isReady(): Promise<boolean> {
    await this.fresh();
    return Boolean(this.timeline.signing(this.clock.now())?.signer);
  }

  private plan(now: number, next: LoadedKey): RotationPlan {
    const current = this.timeline.signing(now) ?? next;
    return {
      current: { kid: current.kid, alg: current.alg, retiresAt: iso(next.activatesAt) },
      next: { kid: next.kid, alg: next.alg, activatesAt: iso(next.activatesAt) },
    };
  }

  /** Deletes keys that left the JWKS more than a retention period ago (no token can need them). */
  private async forgetRemovedKeys(now: number): Promise<void> {
    const old = this.timeline.forgotten(now, this.options.retentionSeconds * 1000).map((key) => key.kid);
    await this.source.forget(old).catch((error: unknown) => this.logger.warn(`Old keys not deleted: ${(error as Error).message}`));
  }

  /** Re-reads the source when the last read is older than {@link KEY_REFRESH_MS}; one read at a time. */
  private async fresh(): Promise<void> {
    if (this.clock.now() - this.loadedAt < KEY_REFRESH_MS) return;
    this.refreshing ??= this.reload(false)
      .catch((error: unknown) => {
        this.loadedAt = this.clock.now(); // keep the keys we have; try again after the interval
        this.logger.warn(`Signing keys not refreshed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    await this.refreshing;
  }

  private async reload(strict: boolean): Promise<void> {
    const keys = await this.source.load(this.keys, strict);
    this.keys = new Map(keys.map((key) => [key.kid, key]));
    this.timeline = new KeyTimeline(keys, this.options.retentionSeconds * 1000);
    this.loadedAt = this.clock.now();
  }
}
