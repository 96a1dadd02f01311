import { type ChildProcess, spawn } from 'node:child_process';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /**
   * Resolves with the exit code. Nest re-raises SIGTERM once it has shut down cleanly, so an exit
   * by SIGTERM counts as 0.
   */
  readonly exited: Promise<number | null>;
  /** Everything the process printed so far (standard output and error). */
  output(): string;
}

/** Runs a built service (`dist/main.js`) as a process with `env` only (plus PATH), as a deployer would. */
export function startServiceProcess(mainFile: string, env: Record<string, string>, cwd?: string): ServiceProcess {
  const child = spawn(process.execPath, [mainFile], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal === 'SIGTERM' ? 0 : code)));
  return { child, exited, output: () => output };
}
