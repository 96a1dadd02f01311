import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(__dirname, '../../../..');

export const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

/** What the tests read of a compose service (the file is validated by docker-compose itself). */
export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  user?: string;
  environment?: Record<string, string>;
  secrets?: (string | { source: string; target?: string })[];
  ports?: string[];
  expose?: string[];
  networks?: string[] | Record<string, unknown>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  read_only?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  tmpfs?: string[];
  mem_limit?: string;
  container_name?: string;
  privileged?: boolean;
  network_mode?: string;
  volumes?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean } | null>;
  secrets: Record<string, { file?: string; environment?: string }>;
  [key: string]: unknown;
}

/** docker-compose.yml with YAML anchors and merge keys (`<<`) resolved, as Compose reads it. */
export function loadCompose(): ComposeFile {
  return parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
}

export const networksOf = (service: ComposeService): string[] =>
  Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {});

export const secretNames = (service: ComposeService): string[] =>
  (service.secrets ?? []).map((s) => (typeof s === 'string' ? s : (s.target ?? s.source)));

/** Resolves `${NAME:-default}` as Compose does when NAME is unset. */
export const interpolate = (value: string) => value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');

/** Runs a command, never longer than `timeoutMs`. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 20_000,
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', error: result.error };
}

export function which(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * The environment the runtime image gives every container: the `ENV KEY=value` instructions of
 * the Dockerfile's last stage (one pair per instruction, as this Dockerfile writes them).
 */
export function imageEnv(): Record<string, string> {
  const text = read('Dockerfile');
  const lastStage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const match of lastStage.matchAll(/^ENV\s+([A-Z_][A-Z0-9_]*)=(\S+)\s*$/gm)) env[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
  return env;
}
