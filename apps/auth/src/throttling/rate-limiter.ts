import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';

/**
 * Fixed-window request counters kept in PostgreSQL, so every replica of auth counts against
 * the same budget. Buckets are keyed by what a client cannot change with a header: the socket's
 * address, the account name, the client id.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly db: Database,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Counts one attempt in every bucket; throws 429 with `Retry-After` when one is over budget. */
  async consume(...buckets: string[]): Promise<void> {
    const { limit, windowSeconds } = this.config.rateLimit;
    const rows = await this.db.query<{ hits: number; retry_after: number }>(
      `WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start)
       INSERT INTO auth.rate_limits (bucket, window_start, hits)
       SELECT b, w.start, 1 FROM unnest($1::text[]) AS b, w
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = auth.rate_limits.hits + 1
       RETURNING hits, ceil(extract(epoch FROM (window_start + make_interval(secs => $2)) - now()))::int AS retry_after`,
      [buckets, windowSeconds],
    );
    const over = rows.filter((row) => row.hits > limit);
    if (over.length > 0) {
      const retryAfter = Math.max(1, ...over.map((row) => row.retry_after));
      throw new TooManyRequestsError(retryAfter);
    }
  }

  /** Deletes windows that ended more than an hour ago. */
  async prune(): Promise<void> {
    await this.db.query(`DELETE FROM auth.rate_limits WHERE window_start < now() - interval '1 hour'`);
  }
}

/** 429, with the seconds until the window ends for the `Retry-After` header. */
export class TooManyRequestsError extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      { statusCode: 429, error: 'too_many_requests', message: `Too many attempts; retry in ${retryAfterSeconds} s.` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
