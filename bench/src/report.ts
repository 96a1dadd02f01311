import type { GuardsResult, VariantResult } from './guards.bench';
import type { InstructionsResult } from './instructions.bench';
import { median, percentile } from './lib/proc';
import type { VerifyCostResult } from './micro/verify-cost';
import type { Settings } from './settings';
import type { StackResult } from './stack.bench';

export interface BenchReport {
  readonly mode: 'full' | 'smoke';
  readonly date: string;
  readonly durationSec: number;
  readonly command: string;
  readonly machine: { nproc: number; cpuModel: string; memoryGiB: number; loadAtStart: number[]; loadAtEnd: number[] };
  readonly versions: Record<string, string>;
  readonly commit: string;
  readonly settings: Settings;
  readonly guards: GuardsResult | undefined;
  readonly instructions?: InstructionsResult | undefined;
  readonly micro: VerifyCostResult | undefined;
  readonly stack: StackResult | undefined;
  readonly failures: string[];
  readonly notes?: string[];
}

export interface TargetRow {
  readonly target: string;
  readonly measured: string;
  readonly ok: boolean | undefined;
}

const VARIANT_LABEL: Record<string, string> = {
  open: 'open route (no guard)',
  minimal: 'minimal raw-crypto guard (bench/)',
  project: "project's guard (all checks)",
  'project-cache': "project's guard + verified-token cache (one token reused)",
  recipe: 'NestJS docs recipe: AuthGuard(\'jwt\') + passport-jwt + jwks-rsa',
};

const int = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const fix = (n: number | undefined, d = 1) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(d));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? undefined : a / b);
const kilo = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : `${(n / 1000).toFixed(1)}k`);
const mark = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? '✓' : '✗');

/** Median of the per-round ratios a[i]/b[i] (rounds are interleaved, so each pair shares its moment). */
function pairedRatio(guards: GuardsResult | undefined, adapter: string, a: string, b: string): number | undefined {
  const x = guards?.variants.find((v) => v.adapter === adapter && v.variant === a);
  const y = guards?.variants.find((v) => v.adapter === adapter && v.variant === b);
  if (!x || !y || x.rps.length !== y.rps.length || x.rps.length === 0) return undefined;
  return median(x.rps.map((v, i) => v / y.rps[i]!));
}

function rpsOf(guards: GuardsResult | undefined, adapter: string, variant: string): number | undefined {
  const v = guards?.variants.find((x) => x.adapter === adapter && x.variant === variant);
  return v ? median(v.rps) : undefined;
}

export function targets(r: BenchReport): TargetRow[] {
  const rows: TargetRow[] = [];
  const g = r.guards;
  for (const adapter of r.settings.adapters) {
    const project = rpsOf(g, adapter, 'project');
    const minimal = rpsOf(g, adapter, 'minimal');
    const recipe = rpsOf(g, adapter, 'recipe');
    const cache = rpsOf(g, adapter, 'project-cache');
    const a = pairedRatio(g, adapter, 'project', 'minimal');
    const b = pairedRatio(g, adapter, 'project', 'recipe');
    const c = pairedRatio(g, adapter, 'project-cache', 'minimal');
    const pairs = g?.paired?.find((p) => p.adapter === adapter && p.variant === 'project' && p.baseline === 'minimal');
    const ab = pairs && pairs.ratios.length > 0 ? median(pairs.ratios) : undefined;
    rows.push({
      target: `${adapter}: project's guard ≥ 0.9× minimal raw-crypto guard`,
      measured:
        ab === undefined
          ? `${fix(a, 2)}× (median of per-round ratios; medians ${int(project)} vs ${int(minimal)} req/s)`
          : `${fix(ab, 2)}× (median of ${pairs!.ratios.length} back-to-back pairs: ${pairs!.ratios.map((x) => fix(x, 2)).join(' / ')}); in the rounds below ${fix(a, 2)}× (medians ${int(project)} vs ${int(minimal)} req/s)`,
      ok: (ab ?? a) === undefined ? undefined : (ab ?? a)! >= 0.9,
    });
    const floor = pairedRatio(g, adapter, 'minimal', 'recipe');
    rows.push({
      target: `${adapter}: project's guard ≥ 3× NestJS docs recipe`,
      measured: `${fix(b, 2)}× (${int(project)} vs ${int(recipe)} req/s; the minimal raw-crypto guard itself: ${fix(floor, 2)}× the recipe)`,
      ok: b === undefined ? undefined : b >= 3,
    });
    rows.push({ target: `${adapter}: with verified-token cache ≥ 1.5× minimal guard (repeated token)`, measured: `${fix(c, 2)}× (${int(cache)} vs ${int(minimal)} req/s)`, ok: c === undefined ? undefined : c >= 1.5 });
  }
  const ins = r.instructions;
  if (ins && !ins.unavailable) {
    const count = (variant: string) => ins.counts.find((c) => c.variant === variant)?.perRequest;
    const [open, minimal, project] = [count('open'), count('minimal'), count('project')];
    const x = ratio(minimal, project);
    const own = open === undefined ? '' : `; over the open route's ${kilo(open)}: minimal +${kilo(minimal! - open)}, project +${kilo(project! - open)}`;
    rows.push({
      target: `${ins.counts[0]?.adapter ?? 'fastify'}: project's guard ≥ 0.9× minimal raw-crypto guard, counted in instructions per request (callgrind)`,
      measured: x === undefined ? `not counted (needs the minimal and the project's guard; counted: ${ins.counts.map((c) => c.variant).join(', ') || 'none'})` : `${fix(x, 3)}× (${kilo(project)} vs ${kilo(minimal)} instructions per request${own})`,
      ok: x === undefined ? undefined : x >= 0.9,
    });
  }
  const openF = rpsOf(g, 'fastify', 'open');
  const openE = rpsOf(g, 'express', 'open');
  const projF = rpsOf(g, 'fastify', 'project');
  const projE = rpsOf(g, 'express', 'project');
  const powered = r.stack ? Object.entries(r.stack.poweredBy).map(([k, v]) => `${k}: X-Powered-By ${v}`).join(', ') : 'stack not measured';
  const servicesOnFastify = r.stack ? Object.values(r.stack.poweredBy).every((v) => v !== 'Express') : undefined;
  const faster = openF !== undefined && openE !== undefined ? openF > openE && (projF === undefined || projE === undefined || projF > projE) : undefined;
  rows.push({
    target: "the services' default HTTP adapter is the faster one (Fastify)",
    measured: `open: Fastify ${int(openF)} vs Express ${int(openE)} req/s; guarded: ${int(projF)} vs ${int(projE)}; services: ${powered}`,
    ok: faster === undefined || servicesOnFastify === undefined ? faster ?? servicesOnFastify : faster && servicesOnFastify,
  });
  if (g) {
    const mismatches = g.conformance.filter((c) => {
      const values = Object.values(c.results);
      return values.some((v) => v.status !== c.expected || v.status !== values[0]!.status || v.challenge !== values[0]!.challenge || v.code !== values[0]!.code);
    });
    rows.push({
      target: 'the guard is equally correct on both adapters (same status, code and WWW-Authenticate)',
      measured: `${g.conformance.length - mismatches.length}/${g.conformance.length} cases identical and as expected${mismatches.length ? `; differing: ${mismatches.map((m) => m.name).join(', ')}` : ''}`,
      ok: mismatches.length === 0,
    });
  }
  const signRaw = r.micro?.sign.RS256['raw node:crypto sign'];
  const tokens = r.stack ? median(r.stack.tokenEndpoint.rps) : undefined;
  const t = ratio(tokens, signRaw);
  rows.push({ target: 'token endpoint ≥ 0.5× raw signing rate (RS256, the stack default)', measured: `${fix(t, 2)}× (${int(tokens)} tokens/s vs ${int(signRaw)} signatures/s)`, ok: t === undefined ? undefined : t >= 0.5 });
  const p99 = r.stack ? median(r.stack.chain.warm1.p99) : undefined;
  const p99x = r.stack ? median(r.stack.chain.warm10.p99) : undefined;
  rows.push({
    target: 'warm chain p99 < 25 ms (POST /orders)',
    measured: `${fix(p99)} ms at 1 connection (${fix(p99x)} ms at ${r.settings.connections} connections)`,
    ok: p99 === undefined ? undefined : p99 < 25,
  });
  for (const name of ['orders', 'inventory'] as const) {
    const rss = r.stack?.idleRssMiB[name];
    rows.push({ target: `${name} ≤ 150 MB resident when idle`, measured: `${fix(rss)} MiB = ${fix(rss === undefined ? undefined : rss * 1.048576)} MB`, ok: rss === undefined ? undefined : rss * 1.048576 <= 150 });
  }
  const ready = r.stack?.readyMs;
  rows.push({ target: `stack ready within 20 s of \`${r.stack?.command ?? 'npm start'}\``, measured: `${fix(ready === undefined ? undefined : ready / 1000)} s`, ok: ready === undefined ? undefined : ready <= 20_000 });
  return rows;
}

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function guardsSection(r: BenchReport): string {
  const g = r.guards;
  if (!g) return '_Not measured._';
  const rows = g.variants.map((v: VariantResult) => {
    const open = rpsOf(g, v.adapter, 'open');
    const minimal = rpsOf(g, v.adapter, 'minimal');
    const recipe = rpsOf(g, v.adapter, 'recipe');
    const rps = median(v.rps);
    return [
      v.adapter,
      VARIANT_LABEL[v.variant] ?? v.variant,
      `**${int(rps)}**`,
      v.rps.map((x) => int(x)).join(' / '),
      fix(median(v.p50), 0),
      fix(median(v.p99), 0),
      fix(ratio(rps, open), 2),
      fix(ratio(rps, minimal), 2),
      fix(ratio(rps, recipe), 2),
      v.non2xx + v.errors === 0 ? '0' : `**${v.non2xx + v.errors}**`,
    ];
  });
  return table(['adapter', 'guard', 'req/s (median)', 'runs', 'p50 ms (1 ms resolution)', 'p99 ms', '× open', '× minimal', '× recipe', 'non-2xx/errors'], rows);
}

function instructionsSection(r: BenchReport): string {
  const ins = r.instructions;
  if (!ins) return '_Not measured (`--no-callgrind`, or item 1 not run)._';
  if (ins.unavailable) return `_Not measured: ${ins.unavailable}._`;
  const minimal = ins.counts.find((c) => c.variant === 'minimal')?.perRequest;
  const rows = ins.counts.map((c) => [c.adapter, VARIANT_LABEL[c.variant] ?? c.variant, `**${kilo(c.perRequest)}**`, fix(ratio(minimal, c.perRequest), 3)]);
  return `${table(['adapter', 'guard', 'instructions per request (server process, all threads)', 'minimal ÷ this (higher is cheaper)'], rows)}

Counted with ${ins.valgrind} (\`--tool=callgrind\`): each server alone, ${ins.warmupRequests} sequential keep-alive requests to warm up, counters zeroed, then ${ins.requests} counted requests. Instruction counts do not move with the machine's load, unlike the req/s above; they do not see cache misses or the cores the garbage collector's threads take, so the targets are judged on req/s and this is the noise-free view beside it.`;
}

function conformanceSection(r: BenchReport): string {
  const g = r.guards;
  if (!g || g.conformance.length === 0) return '_Not measured._';
  const labels = Object.keys(g.conformance[0]!.results);
  const rows = g.conformance.map((c) => {
    const first = Object.values(c.results)[0]!;
    const same = Object.values(c.results).every((v) => v.status === first.status && v.code === first.code && v.challenge === first.challenge);
    return [c.name, c.expected, ...labels.map((l) => `${c.results[l]!.status}${c.results[l]!.code ? ` ${c.results[l]!.code}` : ''}`), same && first.status === c.expected ? '✓' : '✗', `\`${first.challenge || '—'}\``];
  });
  return table(['request', 'expected', ...labels, 'identical', 'WWW-Authenticate (first)'], rows);
}

function microSection(r: BenchReport): string {
  const m = r.micro;
  if (!m) return '_Not measured._';
  const rows: string[][] = [];
  for (const [alg, impls] of Object.entries(m.verify)) {
    const raw = impls['raw node:crypto verify'];
    for (const [impl, ops] of Object.entries(impls)) {
      rows.push([alg, impl, ops === null ? 'not supported' : int(ops), ops === null ? '—' : fix(1e6 / ops, 2), ops === null ? '—' : fix(ratio(ops, raw ?? undefined), 2)]);
    }
  }
  return table(['alg', 'implementation', 'verifications/s (1 thread)', 'µs/token', '× raw verify'], rows);
}

function tokenSection(r: BenchReport): string {
  const s = r.stack;
  const m = r.micro;
  const rows: string[][] = [];
  if (m) {
    for (const [alg, impls] of Object.entries(m.sign)) {
      for (const [impl, ops] of Object.entries(impls)) rows.push([`${alg} ${impl} (in-process, 1 thread)`, int(ops), '', '']);
    }
  }
  if (s) {
    const rps = median(s.tokenEndpoint.rps);
    rows.push([
      `POST /oauth/token client_credentials (auth service, RS256, ${r.settings.connections} connections)`,
      `**${int(rps)}**`,
      `runs ${s.tokenEndpoint.rps.map((x) => int(x)).join(' / ')}; p50 ${fix(median(s.tokenEndpoint.p50), 2)} ms, p99 ${fix(median(s.tokenEndpoint.p99), 2)} ms; non-2xx/errors ${s.tokenEndpoint.non2xx + s.tokenEndpoint.errors}`,
      fix(ratio(rps, m?.sign.RS256['raw node:crypto sign']), 2),
    ]);
  }
  return table(['what', 'per second', 'detail', '× raw RS256 sign'], rows);
}

function chainSection(r: BenchReport): string {
  const s = r.stack;
  if (!s) return '_Not measured._';
  const c = s.chain;
  const coldOk = c.cold.statuses.filter((x) => x >= 200 && x < 300).length;
  return table(
    ['caches', 'load', 'p50 ms', 'p99 ms', 'req/s', 'detail'],
    [
      ['cold (a user token orders never saw: exchange + verification of new tokens)', `${c.cold.latenciesMs.length} sequential requests`, fix(median(c.cold.latenciesMs), 2), fix(percentile(c.cold.latenciesMs, 99), 2), '—', `${coldOk}/${c.cold.statuses.length} answered 2xx`],
      ['warm (one user token, exchanged token cached)', '1 connection, requests back to back', fix(median(c.warm1.p50), 2), `**${fix(median(c.warm1.p99), 2)}**`, int(median(c.warm1.rps)), `runs p99 ${c.warm1.p99.map((x) => fix(x, 1)).join(' / ')}; non-2xx/errors ${c.warm1.non2xx}`],
      ['warm', `${r.settings.connections} connections (autocannon, 1 ms resolution)`, fix(median(c.warm10.p50), 0), fix(median(c.warm10.p99), 0), int(median(c.warm10.rps)), `runs p99 ${c.warm10.p99.map((x) => fix(x, 1)).join(' / ')}; non-2xx/errors ${c.warm10.non2xx}`],
    ],
  );
}

function memorySection(r: BenchReport): string {
  const s = r.stack;
  if (!s) return '_Not measured._';
  const rows = (['auth', 'orders', 'inventory'] as const).map((name) => [
    name,
    fix(s.idleRssMiB[name]),
    fix(s.loadedRssMiB[name]),
    s.serviceReadyMs[name] === undefined ? 'n/a' : fix(s.serviceReadyMs[name]! / 1000),
  ]);
  rows.push(['launcher + embedded PostgreSQL (PGlite), for information', fix(s.launcherRssMiB.idle), fix(s.launcherRssMiB.loaded), '—']);
  return `${table(['process', 'idle RSS MiB', 'max RSS under load MiB', 'ready at (s from start)'], rows)}\n\nThe whole stack was up **${fix(s.readyMs / 1000)} s** after \`${s.command}\` was started (fresh data folder: new database, migrations, demo identities).`;
}

function jwksSection(r: BenchReport): string {
  const parts: string[] = [];
  const g = r.guards;
  if (g) {
    parts.push(
      table(
        ['adapter', 'guard', 'first request ms (right after listen)', 'warm request ms (median of 20, new connection each)', 'JWKS fetches by this server'],
        g.variants.filter((v) => v.variant !== 'open').map((v) => [v.adapter, VARIANT_LABEL[v.variant] ?? v.variant, `${fix(v.firstRequestMs, 2)} (HTTP ${v.firstStatus})`, fix(v.warmRequestMs, 2), String(v.jwksFetches)]),
      ),
    );
  }
  if (r.micro) {
    parts.push(
      `In-process, the project's \`JwksKeySource\`: a cold lookup (fetch + import of the set over loopback) took ${r.micro.jwks.coldFetchMs.map((x) => fix(x, 2)).join(' / ')} ms; a warm lookup takes ${fix(r.micro.jwks.warmLookupUs, 3)} µs.`,
    );
  }
  return parts.join('\n\n') || '_Not measured._';
}

export function renderReport(r: BenchReport): string {
  const rows = targets(r);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const quiet = r.machine.loadAtStart[0]! < 1.0;
  const s = r.settings;
  return `# Benchmark results

${r.mode === 'smoke' ? '> **Smoke run**: a few hundred milliseconds per measurement, one run. It proves the runner works; its numbers are not results.\n' : ''}
Written by \`npm run bench\` (bench/src/run.ts); do not edit by hand. Raw data: the JSON file next to this one.

- **Date**: ${r.date} (took ${fix(r.durationSec, 0)} s); commit ${r.commit}
- **Command**: \`${r.command}\`
- **Machine**: ${r.machine.nproc} cores (nproc), ${r.machine.cpuModel}, ${fix(r.machine.memoryGiB)} GiB memory
- **Load average** (1/5/15 min) at start: ${load(r.machine.loadAtStart)}, at end: ${load(r.machine.loadAtEnd)}${quiet ? '' : ' — **the machine was loaded by other work when the run started**: absolute numbers are lower and noisier than on an idle machine; the ratios are measured side by side in the same run (interleaved rounds) and are the meaningful figures'}
- **Versions**: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}
- **Method**: every server and the load generator (autocannon) in processes of their own on 127.0.0.1; ${s.connections} connections; ${s.warmupSec} s warm-up (not counted), then ${s.runs} × ${s.durationSec} s per variant in interleaved, rotated rounds; medians. The project's guard against the minimal guard is also measured in ${s.pairs} back-to-back pairs of ${s.pairSec} s (order alternating), and that target is judged on the median pair. RS256-2048 unless stated. Server and load generator share the ${r.machine.nproc} cores.
${r.notes?.length ? `\n**Notes**:\n\n${r.notes.map((n) => `- ${n}`).join('\n')}\n` : ''}${r.failures.length ? `\n**Failures**:\n\n${r.failures.map((f) => `- \`${f.split('\n')[0]}\``).join('\n')}\n` : ''}
## Targets

${table(['target', 'measured (same run)', ''], rows.map((t) => [t.target, t.measured, mark(t.ok)]))}

## 1. Guards side by side (GET /bench, same app, one token)

${guardsSection(r)}

Instructions per request, the same route:

${instructionsSection(r)}

The guard's answers on both adapters (the project's guard with and without its verified-token cache; each request sent twice):

${conformanceSection(r)}

## 2. Verification cost per token

${microSection(r)}

## 3. Token endpoint vs raw signing

${tokenSection(r)}

## 4. The chain: POST /orders (user token → orders → token exchange at auth → inventory)

${chainSection(r)}

## 5. Memory and start-up

${memorySection(r)}

## 6. JWKS: cold vs warm

${jwksSection(r)}
`;
}
