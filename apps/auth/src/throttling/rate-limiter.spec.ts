import type { Database } from '@service-trust/service-kit';
import type { AuthConfig } from '../config/auth.config';
import { RateLimiter, TooManyRequestsError } from './rate-limiter';

/** The shared counters of one window, as the upsert statement keeps them (all replicas share it). */
function sharedCounters(retryAfter = 30) {
  const hits = new Map<string, number>();
  let statements = 0;
  const db = {
    query: jest.fn(async (_sql: string, [buckets, , takes]: [string[], number, number[]]) => {
      statements++;
      return buckets.map((bucket, i) => {
        hits.set(bucket, (hits.get(bucket) ?? 0) + takes[i]!);
        return { bucket, hits: hits.get(bucket)!, retry_after: retryAfter };
      });
    }),
  } as unknown as Database;
  return { db, hits, statements: () => statements };
}

const limiter = (db: Database, limit: number) => new RateLimiter(db, { rateLimit: { limit, windowSeconds: 60 } } as AuthConfig);

async function attempts(replicas: RateLimiter[], count: number, ...buckets: string[]): Promise<{ admitted: number; refused: number }> {
  let admitted = 0;
  let refused = 0;
  for (let i = 0; i < count; i++) {
    try {
      await replicas[i % replicas.length]!.consume(...buckets);
      admitted++;
    } catch (error) {
      if (!(error instanceof TooManyRequestsError)) throw error;
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      refused++;
    }
  }
  return { admitted, refused };
}

describe('RateLimiter', () => {
  it('counts every attempt in the database when fewer than 16 are left, and refuses the one over the limit', async () => {
    const shared = sharedCounters();
    const result = await attempts([limiter(shared.db, 15)], 20, 'login:ip:a');
    expect(result).toEqual({ admitted: 15, refused: 5 });
    expect(shared.statements()).toBe(20);
  });

  it('admits exactly the default limit of 30 from one replica', async () => {
    const shared = sharedCounters();
    await expect(attempts([limiter(shared.db, 30)], 35, 'login:user:bob')).resolves.toEqual({ admitted: 30, refused: 5 });
  });

  it('far from a large limit, takes hits in batches, and still admits exactly the limit', async () => {
    const shared = sharedCounters();
    const result = await attempts([limiter(shared.db, 1000)], 1100, 'token:ip:a', 'token:client:svc');
    expect(result).toEqual({ admitted: 1000, refused: 100 });
    // batches of up to 64 while far from the limit, one by one near it
    expect(shared.statements()).toBeLessThan(250);
  });

  it('never lets several replicas together admit more than the limit', async () => {
    const shared = sharedCounters();
    const replicas = [limiter(shared.db, 500), limiter(shared.db, 500), limiter(shared.db, 500)];
    const result = await attempts(replicas, 700, 'token:client:svc');
    expect(result.admitted).toBeLessThanOrEqual(500);
    // unused hits taken by a replica count: at most 1/8 of the budget left may be refused early
    expect(result.admitted).toBeGreaterThan(400);
    expect(shared.hits.get('token:client:svc')).toBeGreaterThanOrEqual(result.admitted);
  });

  it('keeps no local credit in the last second of a window', async () => {
    const shared = sharedCounters(1);
    await attempts([limiter(shared.db, 1000)], 20, 'token:ip:a');
    expect(shared.statements()).toBe(20);
  });

  it('refuses when any bucket of the attempt is over its limit', async () => {
    const shared = sharedCounters();
    const replica = limiter(shared.db, 3);
    await attempts([replica], 3, 'token:client:svc');
    const result = await attempts([replica], 1, 'token:ip:fresh', 'token:client:svc');
    expect(result).toEqual({ admitted: 0, refused: 1 });
  });
});
