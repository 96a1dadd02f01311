import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchReport } from './report';

const ROOT = resolve(__dirname, '../..');

// The benchmark runner end to end, seconds per measurement: it must start every variant, measure,
// and write its report. Timings are not asserted (CI machines are shared); that it reports is.
describe('npm run bench -- --smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const out = join(dir, 'RESULTS.md');
  let code: number | null = null;
  let output = '';

  beforeAll(async () => {
    const runner = join(ROOT, 'bench/dist/run.js');
    if (!existsSync(runner)) throw new Error(`${runner} is missing: build first (npx nx run @service-trust/bench:build)`);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    delete env['FORCE_COLOR'];
    delete env['NO_COLOR'];
    const child = spawn(process.execPath, [runner, '--smoke', '--out', out], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    code = await new Promise<number | null>((done) => child.once('exit', done));
    clearTimeout(timer);
  }, 250_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and writes the report and its data', () => {
    if (code !== 0) throw new Error(`the runner exited ${code}:\n${output.slice(-4000)}`);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(join(dir, 'RESULTS.json'))).toBe(true);
  });

  it('measured every item', () => {
    const report = JSON.parse(readFileSync(join(dir, 'RESULTS.json'), 'utf8')) as BenchReport;
    expect(report.failures).toEqual([]);
    expect(report.mode).toBe('smoke');
    // 1: every guard on both adapters answered 2xx under load.
    expect(report.guards!.variants).toHaveLength(10);
    for (const v of report.guards!.variants) {
      expect(v.rps[0]).toBeGreaterThan(0);
      expect(v.non2xx + v.errors).toBe(0);
      expect(v.firstStatus).toBe(200);
    }
    // The back-to-back pairs of the 0.9× target, on each adapter.
    expect(report.guards!.paired!.map((p) => [p.adapter, p.ratios.length, p.ratios.every((x) => x > 0)])).toEqual(
      report.settings.adapters.map((a) => [a, report.settings.pairs, true]),
    );
    // The guard answered alike on both adapters, as expected.
    for (const c of report.guards!.conformance) {
      for (const r of Object.values(c.results)) expect({ name: c.name, status: r.status }).toEqual({ name: c.name, status: c.expected });
    }
    // 1, counted: instructions per request under callgrind (valgrind is on every CI machine).
    const instructions = report.instructions!;
    if (instructions.unavailable) expect(report.notes).toContainEqual(expect.stringContaining(instructions.unavailable));
    else expect(instructions.counts.map((c) => c.perRequest > 0)).toEqual(report.settings.instructions.variants.map(() => true));
    // 2: every algorithm, raw and project verifier.
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
      expect(report.micro!.verify[alg]['raw node:crypto verify']).toBeGreaterThan(0);
      expect(report.micro!.verify[alg]['project verifier (all checks)']).toBeGreaterThan(0);
      expect(report.micro!.sign[alg]['raw node:crypto sign']).toBeGreaterThan(0);
    }
    // 3, 4, 5: the stack.
    const stack = report.stack!;
    expect(stack.tokenEndpoint.rps[0]).toBeGreaterThan(0);
    expect(stack.tokenEndpoint.non2xx + stack.tokenEndpoint.errors).toBe(0);
    expect(stack.chain.cold.statuses.every((s) => s >= 200 && s < 300)).toBe(true);
    expect(stack.chain.warm1.non2xx).toBe(0);
    expect(stack.chain.warm1.p99[0]).toBeGreaterThan(0);
    expect(stack.readyMs).toBeGreaterThan(0);
    for (const name of ['auth', 'orders', 'inventory'] as const) expect(stack.idleRssMiB[name]).toBeGreaterThan(0);
    // 6: JWKS cold and warm.
    expect(report.micro!.jwks.coldFetchMs.length).toBeGreaterThan(0);
  });

  it('reports each item and each target with a verdict', () => {
    const text = readFileSync(out, 'utf8');
    for (const heading of ['## Targets', '## 1.', '## 2.', '## 3.', '## 4.', '## 5.', '## 6.']) expect(text).toContain(heading);
    expect(text).toContain('Smoke run');
    expect(text).toMatch(/Load average/);
    expect(text).not.toContain('n/a ms');
    const verdicts = text.split('## 1.')[0]!.match(/\| [✓✗] \|$/gm) ?? [];
    expect(verdicts.length).toBeGreaterThanOrEqual(12);
  });
});
