import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CannonResult, LoadJob, SequenceResult } from '../load-worker';

/** bench/dist (where the compiled runner and its children live). */
export const DIST = resolve(__dirname, '..');
export const ROOT = resolve(DIST, '../..');

export interface Child {
  readonly process: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `node <script>` (a file of bench/dist) with `env` added; output is collected. */
export function startNode(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, options: { cwd?: string; file?: string } = {}): Child {
  const file = options.file ?? join(DIST, script);
  const child = spawn(process.execPath, [file, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child);
}

export function track(child: ChildProcess): Child {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    process: child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until the child's output matches `pattern`; rejects if it exits or `timeoutMs` passes. */
export async function waitFor(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    const match = child.output().match(pattern);
    if (match) return match;
    if (exited) throw new Error(`process exited before ${pattern}:\n${child.output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${child.output().slice(-3000)}`);
    await sleep(20);
  }
}

/** Runs one load job in its own process (the load generator never shares the server's). */
export async function runLoad<J extends LoadJob>(job: J): Promise<J extends { mode: 'cannon' } ? CannonResult : SequenceResult> {
  const child = startNode('load-worker.js', [JSON.stringify(job)]);
  const limit = job.mode === 'cannon' ? job.durationSec * 1000 + 30_000 : (job.repeat?.durationSec ?? 0) * 1000 + 120_000;
  const timer = setTimeout(() => child.process.kill('SIGKILL'), limit);
  const code = await child.exited;
  clearTimeout(timer);
  const line = child.output().trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (code !== 0 || !line) throw new Error(`load generator failed (${code}):\n${child.output().slice(-2000)}`);
  return JSON.parse(line) as J extends { mode: 'cannon' } ? CannonResult : SequenceResult;
}

/** Resident set size of `pid` in MiB (VmRSS), or undefined when it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Every descendant of `pid` with its command line. */
export function descendants(pid: number): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  const walk = (parent: number) => {
    let children: number[] = [];
    try {
      for (const task of readdirSync(`/proc/${parent}/task`)) {
        children.push(...readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
      }
    } catch {
      children = [];
    }
    for (const child of children) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        continue;
      }
      found.push({ pid: child, cmdline });
      walk(child);
    }
  };
  walk(pid);
  return found;
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
