import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';

/** Local credit a replica holds on one bucket's shared counter for the current window. */
interface Lease {
  /** Attempts this replica may still admit without asking the database. */
  remaining: number;
  /** Local time (ms) after which the lease is void: one second before the window ends. */
  readonly until: number;
  /** How many hits to take in the next statement for this bucket. */
  readonly nextTake: number;
}

/** A bucket takes at most this many hits at once, and never more than 1/8 of what is left. */
const MAX_TAKE = 64;
const TAKE_SHARE = 8;
const MAX_LEASES = 10_000;

/**
 * Fixed-window request counters kept in PostgreSQL, so every replica of auth counts against
 * the same budget. Buckets are keyed by what a client cannot change with a header: the socket's
 * address, the account name, the client id.
 *
 * A bucket far from its limit need not cost a statement per attempt: a replica may take several
 * hits of the shared counter at once (at most 1/8 of the budget left, at most 64) and admit that
 * many attempts locally, until the window ends. Hits taken and not used still count, so the
 * replicas together never admit more than the limit in a window; they can only refuse a little
 * early. When fewer than 16 attempts are left in a bucket, every attempt is counted in the
 * database as it happens.
 */
@Injectable()
export class RateLimiter {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly db: Database,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Counts one attempt in every bucket; throws 429 with `Retry-After` when one is over budget. */
  async consume(...buckets: string[]): Promise<void> {
    const { limit, windowSeconds } = this.config.rateLimit;
    const now = Date.now();
    const counted: string[] = [];
    const takes: number[] = [];
    for (const bucket of buckets) {
      const lease = this.leases.get(bucket);
      const live = lease !== undefined && lease.until > now;
      if (live && lease.remaining > 0) {
        lease.remaining--;
        continue;
      }
      counted.push(bucket);
      takes.push(live ? lease.nextTake : 1);
    }
    if (counted.length === 0) return;
    const rows = await this.db.query<{ bucket: string; hits: number; retry_after: number }>(
      `WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start)
       INSERT INTO auth.rate_limits (bucket, window_start, hits)
       SELECT b, w.start, t FROM unnest($1::text[], $3::int[]) AS x(b, t), w
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = auth.rate_limits.hits + EXCLUDED.hits
       RETURNING bucket, hits, ceil(extract(epoch FROM (window_start + make_interval(secs => $2)) - now()))::int AS retry_after`,
      [counted, windowSeconds, takes],
    );
    let retryAfter = 0;
    for (const row of rows) {
      const take = takes[counted.indexOf(row.bucket)] ?? 1;
      const before = row.hits - take;
      if (before + 1 > limit) {
        retryAfter = Math.max(retryAfter, 1, row.retry_after);
        this.leases.delete(row.bucket);
        continue;
      }
      if (this.leases.size >= MAX_LEASES) this.leases.clear();
      this.leases.set(row.bucket, {
        remaining: Math.max(0, Math.min(take, limit - before) - 1),
        until: now + (row.retry_after - 1) * 1000,
        nextTake: Math.max(1, Math.min(MAX_TAKE, Math.floor((limit - row.hits) / TAKE_SHARE))),
      });
    }
    if (retryAfter > 0) throw new TooManyRequestsError(retryAfter);
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
