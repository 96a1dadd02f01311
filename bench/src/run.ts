/**
 * `npm run bench`: measures the trust chain on loopback and writes bench/RESULTS.md.
 *
 *   node bench/dist/run.js [--smoke] [--out FILE] [--json FILE] [--items 1,2,3,4,5,6] [--wait-quiet MINUTES] [--no-callgrind]
 *
 * --smoke        seconds-long run (0.5 s per measurement, one run, launcher instead of npm start)
 *                that proves the runner works and reports; its numbers mean nothing.
 * --wait-quiet   before starting, wait up to MINUTES for the 1-minute load average to drop below 1.0.
 * --no-callgrind skip item 1's instruction counts (valgrind's callgrind; about a minute per guard).
 *
 * Every server and the load generator run in processes of their own; all traffic is on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { benchGuards, type GuardsResult } from './guards.bench';
import { benchInstructions, type InstructionsResult } from './instructions.bench';
import { ROOT, sleep, startNode } from './lib/proc';
import type { VerifyCostResult } from './micro/verify-cost';
import { renderReport, type BenchReport } from './report';
import { FULL, SMOKE, type Settings } from './settings';
import { benchStack, type StackResult } from './stack.bench';

interface Args {
  smoke: boolean;
  out: string;
  json: string;
  items: Set<number>;
  waitQuietMinutes: number;
  callgrind: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { smoke: false, out: join(ROOT, 'bench/RESULTS.md'), json: '', items: new Set([1, 2, 3, 4, 5, 6]), waitQuietMinutes: 0, callgrind: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--smoke') args.smoke = true;
    else if (a === '--out') args.out = resolve(value());
    else if (a === '--json') args.json = resolve(value());
    else if (a === '--items') args.items = new Set(value().split(',').map(Number));
    else if (a === '--wait-quiet') args.waitQuietMinutes = Number(value());
    else if (a === '--no-callgrind') args.callgrind = false;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.json) args.json = args.out.replace(/\.md$/, '') + '.json';
  return args;
}

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }), 'utf8')) as { version: string }).version;
  } catch {
    return 'n/a';
  }
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'n/a';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings: Settings = args.smoke ? SMOKE : FULL;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const began = Date.now();

  if (args.waitQuietMinutes > 0) {
    const until = Date.now() + args.waitQuietMinutes * 60_000;
    while (loadavg()[0]! >= 1.0 && Date.now() < until) {
      log(`waiting for a quiet machine: load average ${loadavg()[0]!.toFixed(2)}`);
      await sleep(15_000);
    }
  }
  const loadAtStart = loadavg();
  log(`bench (${args.smoke ? 'smoke' : 'full'}), load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);

  let guards: GuardsResult | undefined;
  let instructions: InstructionsResult | undefined;
  let micro: VerifyCostResult | undefined;
  let stack: StackResult | undefined;
  const failures: string[] = [];
  const notes: string[] = [];

  if (args.items.has(2) || args.items.has(3) || args.items.has(6)) {
    log('items 2/3/6: verification and signing cost, JWKS key source (one process)');
    const child = startNode('micro/verify-cost.js', [JSON.stringify({ seconds: settings.microSeconds, reps: settings.microReps })]);
    const code = await child.exited;
    const line = child.output().trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (code === 0 && line) micro = JSON.parse(line) as VerifyCostResult;
    else failures.push(`verify-cost failed (${code}): ${child.output().slice(-1000)}`);
  }
  if (args.items.has(1) || args.items.has(6)) {
    log('items 1/6: guards on Fastify and Express');
    try {
      guards = await benchGuards(settings, log);
    } catch (error) {
      failures.push(`guards: ${(error as Error).stack ?? String(error)}`);
    }
  }
  if (args.items.has(1) && args.callgrind) {
    log('item 1: instructions per request (callgrind)');
    try {
      instructions = await benchInstructions(settings, log);
      if (instructions.unavailable) notes.push(`Instructions per request were not counted: ${instructions.unavailable}.`);
    } catch (error) {
      failures.push(`instructions: ${(error as Error).stack ?? String(error)}`);
    }
  }
  if (args.items.has(3) || args.items.has(4) || args.items.has(5)) {
    log(`items 3/4/5: the stack (${settings.stackCommand === 'npm' ? 'npm start' : 'launcher'})`);
    try {
      stack = await benchStack(settings, log).catch((error: Error) => {
        // A port picked free can be taken by an outgoing connection before a service binds it:
        // start once more on other ports before giving up on `npm start`.
        if (!/EADDRINUSE/.test(error.message)) throw error;
        log('  a port was taken before a service bound it; starting again on other ports');
        return benchStack(settings, log);
      });
    } catch (error) {
      if (settings.stackCommand !== 'npm') failures.push(`stack: ${(error as Error).stack ?? String(error)}`);
      else {
        // `npm start` builds first; a workspace that does not build right now must not cost the run.
        const reason = (error as Error).message.split('\n').filter((l) => /error|failed/i.test(l)).slice(0, 3).join(' ').slice(0, 300);
        notes.push(`\`npm start\` did not bring the stack up (${reason || 'see the log'}); the stack was started with its launcher (node tools/stack/start.ts) on the built services instead.`);
        log('  npm start failed; retrying with the launcher');
        try {
          stack = await benchStack({ ...settings, stackCommand: 'launcher' }, log);
        } catch (retryError) {
          failures.push(`stack: ${(retryError as Error).stack ?? String(retryError)}`);
        }
      }
    }
  }

  const cpuModel = cpus()[0]?.model ?? 'unknown';
  const report: BenchReport = {
    mode: args.smoke ? 'smoke' : 'full',
    date: new Date(began).toISOString(),
    durationSec: (Date.now() - began) / 1000,
    command: `node bench/dist/run.js ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
      cpuModel,
      memoryGiB: totalmem() / 1024 ** 3,
      loadAtStart,
      loadAtEnd: loadavg(),
    },
    versions: {
      node: process.version,
      openssl: process.versions.openssl ?? 'n/a',
      '@nestjs/core': version('@nestjs/core'),
      '@nestjs/platform-fastify': version('@nestjs/platform-fastify'),
      fastify: version('fastify'),
      '@nestjs/platform-express': version('@nestjs/platform-express'),
      express: version('express'),
      'passport-jwt': version('passport-jwt'),
      'jwks-rsa': version('jwks-rsa'),
      jsonwebtoken: version('jsonwebtoken'),
      jose: version('jose'),
      autocannon: version('autocannon'),
    },
    commit: git('rev-parse', '--short', 'HEAD'),
    settings,
    guards,
    instructions,
    micro,
    stack,
    failures,
    notes,
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(args.out, renderReport(report));
  log(`wrote ${relative(process.cwd(), args.out)} and ${relative(process.cwd(), args.json)} (${report.durationSec.toFixed(0)} s)`);
  if (failures.length) {
    for (const f of failures) process.stderr.write(`FAILED ${f}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
