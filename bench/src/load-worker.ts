/**
 * The load generator, always in its own process: reads one job (JSON) from argv[2], runs it
 * against loopback, prints one JSON result line. Every job is bounded in time and count.
 *
 * - `cannon`: autocannon, `connections` keep-alive connections for `durationSec`.
 * - `sequence`: the given requests one after another (one connection), each timed.
 */
import { request as httpRequest, Agent } from 'node:http';

export interface RequestSpec {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export type LoadJob =
  | ({ readonly mode: 'cannon'; readonly connections: number; readonly durationSec: number } & RequestSpec)
  | {
      readonly mode: 'sequence';
      /** Sent in order, once each; or `repeat` sent again and again for `durationSec` (at most `maxCount`). */
      readonly requests?: readonly RequestSpec[];
      readonly repeat?: RequestSpec & { readonly durationSec: number; readonly maxCount: number };
      readonly timeoutMs?: number;
    };

export interface CannonResult {
  readonly mode: 'cannon';
  readonly total: number;
  readonly durationSec: number;
  readonly rps: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

export interface SequenceResult {
  readonly mode: 'sequence';
  readonly latenciesMs: number[];
  readonly statuses: number[];
}

interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => unknown;

function isLocal(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

async function cannon(job: Extract<LoadJob, { mode: 'cannon' }>): Promise<CannonResult> {
  const autocannon = require('autocannon') as Autocannon;
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      {
        url: job.url,
        method: job.method ?? 'GET',
        headers: job.headers ?? {},
        ...(job.body !== undefined ? { body: job.body } : {}),
        connections: job.connections,
        duration: job.durationSec,
        timeout: 10,
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
  });
  return {
    mode: 'cannon',
    total: result.requests.total,
    durationSec: result.duration,
    rps: result.requests.total / result.duration,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function sequence(job: Extract<LoadJob, { mode: 'sequence' }>): Promise<SequenceResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latenciesMs: number[] = [];
  const statuses: number[] = [];
  const list = job.requests?.slice(0, 10_000) ?? [];
  const end = job.repeat ? performance.now() + Math.min(job.repeat.durationSec, 60) * 1000 : 0;
  const count = job.repeat ? Math.min(job.repeat.maxCount, 1_000_000) : list.length;
  for (let i = 0; i < count; i++) {
    if (job.repeat && performance.now() > end) break;
    const spec = job.repeat ?? list[i]!;
    const started = process.hrtime.bigint();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(spec.url, { method: spec.method ?? 'GET', headers: spec.headers ?? {}, agent, timeout: job.timeoutMs ?? 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(spec.body);
    }).catch(() => 0);
    latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    statuses.push(status);
  }
  agent.destroy();
  return { mode: 'sequence', latenciesMs, statuses };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
  const urls = job.mode === 'cannon' ? [job.url] : [...(job.requests ?? []), ...(job.repeat ? [job.repeat] : [])].map((r) => r.url);
  if (!urls.every(isLocal)) throw new Error('the load generator only targets loopback addresses');
  if (job.mode === 'cannon' && !(job.durationSec > 0 && job.durationSec <= 60)) throw new Error('durationSec must be in (0, 60]');
  const result = job.mode === 'cannon' ? await cannon(job) : await sequence(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`load-worker failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
