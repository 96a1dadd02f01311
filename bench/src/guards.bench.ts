/**
 * Items 1 and 6: the project's guard vs the minimal raw-crypto guard vs the NestJS docs recipe,
 * in the same app, on Fastify and Express; the first request of each (cold JWKS cache) vs warm;
 * and the guard's answers compared across the two adapters.
 */
import { startNode, waitFor, runLoad, median, rssMiB, type Child } from './lib/proc';
import { send } from './lib/http';
import { accessClaims, generateKey, mint, startJwksServer, type BenchKey } from './lib/tokens';
import { serverScript, type AdapterName, type GuardVariant } from './servers/serve';
import type { Settings } from './settings';

export const AUDIENCE = 'bench';

export interface VariantResult {
  readonly adapter: AdapterName;
  readonly variant: GuardVariant;
  readonly rps: number[];
  readonly p50: number[];
  readonly p99: number[];
  readonly non2xx: number;
  readonly errors: number;
  readonly firstRequestMs: number;
  readonly firstStatus: number;
  readonly warmRequestMs: number;
  readonly jwksFetches: number;
  readonly rssAfterMiB: number | undefined;
}

export interface ConformanceCase {
  readonly name: string;
  readonly expected: number;
  readonly results: Record<string, { status: number; challenge: string; code: string }>;
}

/**
 * The project's guard against the minimal guard, back to back: in each pair both are measured
 * one right after the other, the order alternating (A B, then B A), so drift of a shared machine
 * falls on both alike. The 0.9× target is judged on the median of these ratios.
 */
export interface PairedRatio {
  readonly adapter: AdapterName;
  readonly variant: GuardVariant;
  readonly baseline: GuardVariant;
  /** variant req/s ÷ baseline req/s, one per pair. */
  readonly ratios: number[];
}

export interface GuardsResult {
  readonly variants: VariantResult[];
  readonly conformance: ConformanceCase[];
  readonly paired?: PairedRatio[];
}

interface Server {
  readonly adapter: AdapterName;
  readonly variant: GuardVariant;
  readonly child: Child;
  readonly url: string;
  readonly firstRequestMs: number;
  readonly firstStatus: number;
  readonly warmRequestMs: number;
  readonly jwksFetches: number;
}

export async function benchGuards(settings: Settings, log: (line: string) => void): Promise<GuardsResult> {
  const key = generateKey('RS256');
  const jwks = await startJwksServer([key]);
  const token = mint(key, accessClaims(jwks.issuer, AUDIENCE));
  const authorization = `Bearer ${token}`;
  const servers: Server[] = [];
  try {
    for (const adapter of settings.adapters) {
      for (const variant of settings.variants) {
        const before = jwks.requests();
        const child = startNode(serverScript(variant), [], {
          BENCH_ADAPTER: adapter,
          BENCH_GUARD: variant,
          BENCH_ISSUER: jwks.issuer,
          BENCH_AUDIENCE: AUDIENCE,
          BENCH_JWKS_URI: jwks.url,
        });
        const [, port] = await waitFor(child, /READY (\d+)/, 30_000);
        const url = `http://127.0.0.1:${port}/bench`;
        // Item 6: the very first request, sent as soon as the app listens.
        const first = await send(url, { headers: { authorization } });
        const warm: number[] = [];
        for (let i = 0; i < 20; i++) warm.push((await send(url, { headers: { authorization } })).ms);
        servers.push({
          adapter,
          variant,
          child,
          url,
          firstRequestMs: first.ms,
          firstStatus: first.status,
          warmRequestMs: median(warm),
          jwksFetches: jwks.requests() - before,
        });
        log(`  started ${adapter}/${variant} (first request ${first.ms.toFixed(1)} ms, HTTP ${first.status})`);
      }
    }

    const conformance = await checkConformance(servers, key, jwks.issuer);

    for (const server of servers) {
      await runLoad({ mode: 'cannon', url: server.url, headers: { authorization }, connections: settings.connections, durationSec: settings.warmupSec });
    }
    const samples = new Map<Server, { rps: number[]; p50: number[]; p99: number[]; non2xx: number; errors: number }>(
      servers.map((s) => [s, { rps: [], p50: [], p99: [], non2xx: 0, errors: 0 }]),
    );
    for (let run = 0; run < settings.runs; run++) {
      // Interleaved rounds, rotated, so drift of a shared machine hits every variant alike.
      const order = servers.map((_, i) => servers[(i + run) % servers.length]!);
      for (const server of order) {
        const r = await runLoad({ mode: 'cannon', url: server.url, headers: { authorization }, connections: settings.connections, durationSec: settings.durationSec });
        const s = samples.get(server)!;
        s.rps.push(r.rps);
        s.p50.push(r.latencyMs.p50);
        s.p99.push(r.latencyMs.p99);
        s.non2xx += r.non2xx;
        s.errors += r.errors + r.timeouts;
      }
      log(`  round ${run + 1}/${settings.runs}: ${order.map((s) => `${s.adapter}/${s.variant} ${Math.round(samples.get(s)!.rps.at(-1)!)}`).join(', ')}`);
    }
    const paired: PairedRatio[] = [];
    for (const adapter of settings.adapters) {
      const a = servers.find((s) => s.adapter === adapter && s.variant === 'project');
      const b = servers.find((s) => s.adapter === adapter && s.variant === 'minimal');
      if (!a || !b) continue;
      const ratios: number[] = [];
      for (let pair = 0; pair < settings.pairs; pair++) {
        const rps = new Map<Server, number>();
        for (const server of pair % 2 === 0 ? [a, b] : [b, a]) {
          const r = await runLoad({ mode: 'cannon', url: server.url, headers: { authorization }, connections: settings.connections, durationSec: settings.pairSec });
          if (r.non2xx + r.errors + r.timeouts > 0) throw new Error(`${adapter}/${server.variant}: ${r.non2xx} non-2xx, ${r.errors + r.timeouts} errors in a paired run`);
          rps.set(server, r.rps);
        }
        ratios.push(rps.get(a)! / rps.get(b)!);
      }
      paired.push({ adapter, variant: 'project', baseline: 'minimal', ratios });
      log(`  ${adapter}: project ÷ minimal back to back: ${ratios.map((x) => x.toFixed(3)).join(' ')}`);
    }
    return {
      conformance,
      paired,
      variants: servers.map((server) => ({
        adapter: server.adapter,
        variant: server.variant,
        ...samples.get(server)!,
        firstRequestMs: server.firstRequestMs,
        firstStatus: server.firstStatus,
        warmRequestMs: server.warmRequestMs,
        jwksFetches: server.jwksFetches,
        rssAfterMiB: server.child.process.pid ? rssMiB(server.child.process.pid) : undefined,
      })),
    };
  } finally {
    await Promise.all(servers.map((s) => s.child.stop()));
    await jwks.close();
  }
}

/** The same requests to the project's guard on each adapter (and with its token cache). */
async function checkConformance(servers: Server[], key: BenchKey, issuer: string): Promise<ConformanceCase[]> {
  const targets = servers.filter((s) => s.variant === 'project' || s.variant === 'project-cache');
  const other = generateKey('RS256', 'bench-rs256');
  const now = Math.floor(Date.now() / 1000);
  const good = mint(key, accessClaims(issuer, AUDIENCE));
  const [h, p] = good.split('.');
  const cases: { name: string; expected: number; headers?: string[]; path?: string }[] = [
    { name: 'valid token with the scope', expected: 200, headers: ['authorization', `Bearer ${good}`] },
    { name: 'no Authorization header', expected: 401 },
    { name: 'Basic credentials', expected: 401, headers: ['authorization', 'Basic YTpi'] },
    { name: 'signature by another key, same kid', expected: 401, headers: ['authorization', `Bearer ${mint(other, accessClaims(issuer, AUDIENCE))}`] },
    { name: 'tampered payload', expected: 401, headers: ['authorization', `Bearer ${h}.${Buffer.from(JSON.stringify({ ...accessClaims(issuer, AUDIENCE), sub: 'admin' })).toString('base64url')}.${good.split('.')[2]}`] },
    { name: 'alg none', expected: 401, headers: ['authorization', `Bearer ${Buffer.from('{"alg":"none","typ":"at+jwt","kid":"bench-rs256"}').toString('base64url')}.${p}.`] },
    { name: 'wrong audience', expected: 401, headers: ['authorization', `Bearer ${mint(key, accessClaims(issuer, 'orders'))}`] },
    { name: 'wrong issuer', expected: 401, headers: ['authorization', `Bearer ${mint(key, accessClaims('http://evil.example', AUDIENCE))}`] },
    { name: 'expired', expected: 401, headers: ['authorization', `Bearer ${mint(key, accessClaims(issuer, AUDIENCE, { iat: now - 600, exp: now - 300 }))}`] },
    { name: 'typ JWT instead of at+jwt', expected: 401, headers: ['authorization', `Bearer ${mint(key, accessClaims(issuer, AUDIENCE), { typ: 'JWT' })}`] },
    { name: 'jku header', expected: 401, headers: ['authorization', `Bearer ${mint(key, accessClaims(issuer, AUDIENCE), { jku: 'http://127.0.0.1:1/keys' })}`] },
    { name: 'unknown kid', expected: 401, headers: ['authorization', `Bearer ${mint({ ...key, kid: 'nobody' }, accessClaims(issuer, AUDIENCE))}`] },
    { name: 'missing scope', expected: 403, headers: ['authorization', `Bearer ${mint(key, accessClaims(issuer, AUDIENCE, { scope: 'other' }))}`] },
    { name: 'two Authorization headers', expected: 400, headers: ['authorization', `Bearer ${good}`, 'authorization', `Bearer ${good}`] },
    { name: 'token in the query', expected: 400, path: `?access_token=${good}` },
  ];
  const results: ConformanceCase[] = [];
  for (const c of cases) {
    const row: ConformanceCase = { name: c.name, expected: c.expected, results: {} };
    for (const server of targets) {
      // Twice: the second answer comes from the verified-token cache where there is one.
      for (let i = 0; i < 2; i++) {
        const response = await send(server.url + (c.path ?? ''), { headers: c.headers ?? [] });
        let code = '';
        try {
          code = String((JSON.parse(response.body) as { code?: unknown }).code ?? '');
        } catch {
          code = '';
        }
        const challenge = String(response.headers['www-authenticate'] ?? '');
        const label = `${server.adapter}/${server.variant}${i ? ' (again)' : ''}`;
        row.results[label] = { status: response.status, challenge, code };
      }
    }
    results.push(row);
  }
  return results;
}
