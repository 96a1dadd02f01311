/**
 * Documented checks of the Dockerfile and .dockerignore, in place of hadolint (not packaged in
 * Debian, and no Docker engine here to build the image):
 * - every stage FROM a Node.js 24 slim image, several stages, the last one the runtime;
 * - dependencies installed with `npm ci` from the lockfile, the runtime with production ones only;
 * - the runtime runs as a non-root USER and has a HEALTHCHECK on /health/live without curl;
 * - no ADD (of URLs or archives), no ENV/ARG that looks like a secret, no key material copied;
 * - .dockerignore keeps dependencies, build output, local data, secrets and history out.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, imageEnv, read } from './support/repo';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

/** Instructions of a Dockerfile: comments dropped, continuation lines joined. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!buffer && (line === '' || line.startsWith('#'))) return;
    if (buffer && line.startsWith('#')) return;
    if (!buffer) start = index + 1;
    buffer += `${line.replace(/\\$/, '')} `;
    if (!line.endsWith('\\')) {
      const [keyword, ...rest] = buffer.trim().split(/\s+/);
      out.push({ keyword: keyword!.toUpperCase(), args: rest.join(' '), line: start });
      buffer = '';
    }
  });
  return out;
}

/** Instructions grouped by stage (`FROM ... [AS name]`). */
function stages(instructions: Instruction[]) {
  const result: { from: string; name?: string; body: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      result.push({ from: image!, name: as?.toUpperCase() === 'AS' ? name : undefined, body: [] });
    } else {
      result.at(-1)?.body.push(instruction);
    }
  }
  return result;
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|API_?KEY|ENCRYPTION_KEY|CREDENTIAL|DATABASE_URL)/i;

describe('Dockerfile', () => {
  const instructions = parseDockerfile(read('Dockerfile'));
  const all = stages(instructions);
  const runtime = all.at(-1)!;
  const internalNames = new Set(all.map((s) => s.name).filter(Boolean));

  it('is multi-stage, every external base image Node.js 24 slim', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) {
      if (internalNames.has(stage.from)) continue;
      expect(stage.from).toMatch(/^node:24(\.\d+){0,2}-(bookworm-|trixie-)?slim(@sha256:[0-9a-f]{64})?$/);
    }
  });

  it('installs with npm ci from the lockfile; the runtime stage with production dependencies only', () => {
    const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.join('\n')).not.toMatch(/npm (install|i)\b/);
    expect(runs.some((r) => /npm ci\b/.test(r))).toBe(true);
    const runtimeRuns = runtime.body.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runtimeRuns.some((r) => /npm ci\b.*--omit=dev/.test(r))).toBe(true);
    // The runtime stage compiles nothing and copies only build output from the build stage.
    expect(runtimeRuns.join('\n')).not.toMatch(/\btsc\b|\bnx\b/);
    const copies = runtime.body.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies.every((c) => /--from=\S+/.test(c))).toBe(true);
  });

  it('runs as a non-root user, with a HEALTHCHECK on /health/live that needs no curl', () => {
    const user = runtime.body.filter((i) => i.keyword === 'USER').at(-1);
    expect(user).toBeDefined();
    expect(user!.args).not.toMatch(/^(root|0)(:|$)/);
    const health = runtime.body.find((i) => i.keyword === 'HEALTHCHECK');
    expect(health?.args).toMatch(/CMD \["node", "-e", ".*fetch\(.*\/health\/live/);
    expect(health?.args).not.toMatch(/curl|wget/);
    // USER comes before the command and after everything that writes files.
    const body = runtime.body.map((i) => i.keyword);
    expect(body.lastIndexOf('USER')).toBeGreaterThan(body.lastIndexOf('RUN'));
    expect(runtime.body.find((i) => i.keyword === 'CMD')?.args).toMatch(/^\["node", "apps\/auth\/dist\/main\.js"\]$/);
  });

  it('has no ADD, no secret-looking ENV or ARG, no key material', () => {
    expect(instructions.filter((i) => i.keyword === 'ADD')).toEqual([]);
    for (const i of instructions.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
      expect(`${i.keyword} ${i.args}`).not.toMatch(SECRET_NAME);
    }
    for (const i of instructions.filter((x) => x.keyword === 'COPY')) {
      expect(i.args).not.toMatch(/\.pem|\.key\b|\.secrets|\.data|\.env|id_rsa/);
      expect(i.args).not.toMatch(/--chown/); // code stays owned by root: the service cannot change it
    }
    expect(instructions.some((i) => /--mount=type=secret/.test(i.args))).toBe(false);
  });

  it('runs the services with the same Node options as npm start (tools/stack/services.ts)', () => {
    const options = imageEnv()['NODE_OPTIONS'];
    expect(options).toBe('--max-semi-space-size=8');
    const launcher = /SERVICE_NODE_OPTIONS: readonly string\[\] = \[([^\]]*)\]/.exec(read('tools/stack/services.ts'))?.[1];
    expect(launcher?.split(',').map((o) => o.trim().replace(/^'|'$/g, '')).join(' ')).toBe(options);
  });

  it('builds the three apps that compose and Kubernetes run', () => {
    const build = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
    for (const app of ['auth', 'orders', 'inventory']) {
      expect(build).toContain(`@service-trust/${app}`);
      expect(build).toContain(`apps/${app} `);
      expect(existsSync(resolve(ROOT, 'apps', app, 'package.json'))).toBe(true);
    }
  });
});

describe('.dockerignore', () => {
  const entries = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it.each(['node_modules', '.data', '.secrets', 'dist', 'coverage', '.git', 'secrets', '.env', '.nx'])('keeps out %s', (entry) => {
    expect(entries).toContain(entry);
  });

  it('keeps out nested dependencies, build output and secrets too', () => {
    for (const entry of ['**/node_modules', '**/dist', '**/.secrets', '**/*.pem', '**/*.key']) expect(entries).toContain(entry);
  });
});
