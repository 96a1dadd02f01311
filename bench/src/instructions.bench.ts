/**
 * Item 1, counted: the CPU instructions each guard costs per request, measured with valgrind's
 * callgrind. Requests per second on a shared two-core machine move by several per cent between
 * identical runs; instruction counts do not depend on what else the machine is doing, so they
 * show small differences between guards that wall-clock rounds cannot.
 *
 * Each server runs alone under callgrind (all its threads, the garbage collector's included).
 * The runner sends sequential keep-alive requests: a warm-up, then the counters are zeroed, then
 * the counted requests, then the counters are dumped. Instructions are not time: cache misses
 * and the cores the GC threads take from the load generator do not show here, which is why the
 * targets are judged on the interleaved req/s rounds and this count is reported beside them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { send } from './lib/http';
import { DIST, ROOT, sleep, track, waitFor, type Child } from './lib/proc';
import { accessClaims, generateKey, mint, startJwksServer } from './lib/tokens';
import { serverScript, type AdapterName, type GuardVariant } from './servers/serve';
import type { Settings } from './settings';
import { AUDIENCE } from './guards.bench';

export interface InstructionCount {
  readonly adapter: AdapterName;
  readonly variant: GuardVariant;
  /** Instructions executed by the server process (all threads) per counted request. */
  readonly perRequest: number;
}

export interface InstructionsResult {
  /** Why nothing was counted (valgrind missing), if so. */
  readonly unavailable?: string;
  readonly valgrind: string;
  readonly warmupRequests: number;
  readonly requests: number;
  readonly counts: InstructionCount[];
}

function valgrindVersion(): string | undefined {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

export async function benchInstructions(settings: Settings, log: (line: string) => void): Promise<InstructionsResult> {
  const { warmupRequests, requests, adapter, variants } = settings.instructions;
  const valgrind = valgrindVersion();
  if (!valgrind) return { unavailable: 'valgrind is not installed', valgrind: 'n/a', warmupRequests, requests, counts: [] };
  const key = generateKey('RS256');
  const jwks = await startJwksServer([key]);
  const authorization = `Bearer ${mint(key, accessClaims(jwks.issuer, AUDIENCE))}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-callgrind-'));
  const counts: InstructionCount[] = [];
  try {
    for (const variant of variants) {
      const out = join(dir, `${variant}.out`);
      const child = track(
        spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, '--dump-instr=no', '--dump-line=no', process.execPath, join(DIST, serverScript(variant))], {
          cwd: ROOT,
          env: { ...process.env, NODE_OPTIONS: '', BENCH_ADAPTER: adapter, BENCH_GUARD: variant, BENCH_ISSUER: jwks.issuer, BENCH_AUDIENCE: AUDIENCE, BENCH_JWKS_URI: jwks.url },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      try {
        const [, port] = await waitFor(child, /READY (\d+)/, 180_000);
        const pid = String(child.process.pid);
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        const url = `http://127.0.0.1:${port}/bench`;
        for (let i = 0; i < warmupRequests; i++) await get(url, agent, authorization);
        execFileSync('callgrind_control', ['--zero', pid], { stdio: 'ignore' });
        for (let i = 0; i < requests; i++) await get(url, agent, authorization);
        execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
        agent.destroy();
        const perRequest = (await dumpedInstructions(dir, `${variant}.out`)) / requests;
        counts.push({ adapter, variant, perRequest });
        log(`  ${adapter}/${variant}: ${Math.round(perRequest / 1000)}k instructions per request`);
      } finally {
        await stopNow(child);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await jwks.close();
  }
  return { valgrind, warmupRequests, requests, counts };
}

/** One GET that must answer 200 (a refused request would count the wrong path). */
async function get(url: string, agent: Agent, authorization: string): Promise<void> {
  const response = await send(url, { agent, headers: { authorization }, timeoutMs: 60_000 });
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
}

/**
 * The instructions in the dump `callgrind_control --dump` wrote (`<out>.1`; the file is complete
 * once its totals line is there).
 */
async function dumpedInstructions(dir: string, base: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const dump = join(dir, `${base}.1`);
    const text = existsSync(dump) ? readFileSync(dump, 'utf8') : '';
    const match = /^totals: (\d+)/m.exec(text) ?? /^summary: (\d+)/m.exec(text);
    if (match) return Number(match[1]);
    await sleep(100);
  }
  throw new Error(`callgrind wrote no complete dump for ${base}`);
}

/** Under valgrind a clean shutdown takes seconds and its counts are not needed: kill. */
async function stopNow(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGKILL');
  await child.exited;
}
