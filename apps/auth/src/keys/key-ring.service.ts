import { Logger } from '@nestjs/common';
import type { JWK } from 'jose';
import { verifyAccessToken } from './access-token.verifier';
import type { Clock } from './key.clock';
import { KeyRotationRefusedError, NoSigningKeyError, UnknownSigningKeyError } from './key.errors';
import { type KeyRevocation, KeyService, type RotationPlan, type VerifiedAccessToken } from './key.service';
import type { KeySource, LoadedKey } from './key.source';
import { KeyTimeline } from './key.timeline';

/** How often the key table is re-read, so other replicas' rotations are picked up. */
export const KEY_REFRESH_MS = 30_000;
const CLOCK_TOLERANCE_SECONDS = 30;
/**
 * How long the JWKS endpoint waits for a due re-read of the key table before it answers from
 * memory (the re-read goes on in the background). Verifiers time their JWKS fetches out after a
 * few seconds (the guard: 3 s), while a database that does not answer takes the pool's 5 s
 * connection timeout to fail: the public keys must not wait for it.
 */
export const JWKS_REFRESH_WAIT_MS = 500;

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
  /** Highest generation stored, revoked keys included (a generation is never reused). */
  private lastGeneration = 0;
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
    await this.fresh(JWKS_REFRESH_WAIT_MS);
    return { keys: this.timeline.published(this.clock.now()).map((key) => ({ ...key.publicJwk })) };
  }

  async rotate(): Promise<RotationPlan> {
    await this.reload(false);
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      const pending = this.timeline.pending(now);
      if (pending) return this.plan(now, pending);
      const added = await this.source.publishNext(this.lastGeneration + 1, now + this.options.prepublishSeconds * 1000);
      if (added) await this.forgetRemovedKeys(now);
      await this.reload(false);
    }
    throw new Error('Could not start a key rotation: the key table keeps changing.');
  }

  async revoke(kid: string): Promise<KeyRevocation> {
    await this.reload(false);
    const key = this.keys.get(kid);
    if (!key) throw new UnknownSigningKeyError(kid);
    if (key.revokedAt === undefined) {
      if (this.timeline.signing(this.clock.now())?.kid === kid) {
        throw new KeyRotationRefusedError(
          `Key ${kid} signs now and cannot be revoked: rotate first (POST /admin/keys/rotate), then revoke it once the next key signs.`,
        );
      }
      if (!(await this.source.revoke(kid))) throw new UnknownSigningKeyError(kid);
      await this.reload(false);
      this.logger.warn(`Signing key ${kid} revoked: removed from the JWKS; tokens it signed no longer verify here.`);
    }
    return { kid, revokedAt: iso(this.keys.get(kid)?.revokedAt ?? this.clock.now()) };
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

  /**
   * Re-reads the source when the last read is older than {@link KEY_REFRESH_MS}; one read at a
   * time. With `maxWaitMs`, waits at most that long for the read (the keys held answer meanwhile).
   */
  private async fresh(maxWaitMs?: number): Promise<void> {
    if (this.clock.now() - this.loadedAt < KEY_REFRESH_MS) return;
    this.refreshing ??= this.reload(false)
      .catch((error: unknown) => {
        this.loadedAt = this.clock.now(); // keep the keys we have; try again after the interval
        this.logger.warn(`Signing keys not refreshed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    if (maxWaitMs === undefined || this.keys.size === 0) return this.refreshing;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.refreshing, new Promise<void>((done) => (timer = setTimeout(done, maxWaitMs)))]);
    clearTimeout(timer);
  }

  private async reload(strict: boolean): Promise<void> {
    const keys = await this.source.load(this.keys, strict);
    this.keys = new Map(keys.map((key) => [key.kid, key]));
    // Revoked keys are out of the timeline: never published, never signing, never verifying.
    this.timeline = new KeyTimeline(keys.filter((key) => key.revokedAt === undefined), this.options.retentionSeconds * 1000);
    this.lastGeneration = Math.max(0, ...keys.map((key) => key.generation));
    this.loadedAt = this.clock.now();
  }
}
