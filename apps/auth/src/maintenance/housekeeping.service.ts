import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RevokedTokensRepository } from '../oauth/revoked-tokens.repository';
import { RefreshTokenRepository } from '../sessions/refresh-token.repository';
import { RateLimiter } from '../throttling/rate-limiter';

const EVERY_MS = 10 * 60 * 1000;

/** Every ten minutes, deletes rows that can no longer matter: expired tokens, old rate windows. */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Housekeeping');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly revoked: RevokedTokensRepository,
    private readonly limiter: RateLimiter,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      await Promise.all([this.refreshTokens.prune(), this.revoked.prune(), this.limiter.prune()]);
    } catch (error) {
      this.logger.warn(`Housekeeping skipped: ${(error as Error).message}`);
    }
  }
}
