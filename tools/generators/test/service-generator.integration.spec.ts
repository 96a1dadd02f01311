/**
 * The generator as a user runs it: in a copy of the workspace (the files git knows, committed or
 * not, plus a node_modules of symlinks to the repository's; no npm install), `nx g
 * @service-trust/tools:service shipping`, then the new project's lint, build and tests, which must
 * pass (they need PostgreSQL like every integration test here: TEST_POSTGRES_URL).
 *
 * The copy's `node_modules/@service-trust/*` point into the copy itself (as npm links them), so the
 * build type-checks against, and the process test runs, the copy's libraries: `tsc -b` builds them
 * there through the project references.
 *
 * `@service-trust/tools` resolves by its package name only when tools/generators is one of the
 * root package.json workspaces (Nx then finds the local plugin from its package.json `main`); the
 * copy gets that entry if the repository does not have it yet.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

const REPO = join(import.meta.dirname, '../../..');
const PLUGIN_WORKSPACE = 'tools/generators';
/** The workspace's own packages in node_modules: relative links (`../../libs/x`), kept relative in the copy. */
const WORKSPACE_SCOPE = '@service-trust';

/** The environment of the nx runs in the copy: no settings of the nx/jest run this test is part of. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(NX_|JEST_)/.test(key) || key === 'FORCE_COLOR' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', CI: 'true' };
}

/** `to` gets a symlink to every entry of `from`, except the workspace's packages, linked into the copy. */
function linkNodeModules(from: string, to: string): void {
  mkdirSync(join(to, WORKSPACE_SCOPE), { recursive: true });
  for (const entry of readdirSync(from)) {
    if (entry !== WORKSPACE_SCOPE) symlinkSync(join(from, entry), join(to, entry));
  }
  for (const entry of readdirSync(join(from, WORKSPACE_SCOPE))) {
    symlinkSync(readlinkSync(join(from, WORKSPACE_SCOPE, entry)), join(to, WORKSPACE_SCOPE, entry));
  }
}

function run(cwd: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync('npx', args, { cwd, env: childEnv(), encoding: 'utf8', timeout: 200_000 });
  // eslint-disable-next-line no-control-regex
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.replace(/\u001b\[[0-9;]*m/g, '');
  return { status: result.status, output };
}

describe('nx g @service-trust/tools:service in a copy of the workspace', () => {
  let copy: string;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'service-generator-'));
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      try {
        cpSync(join(REPO, file), join(copy, file));
      } catch (error) {
        // A file deleted in the working tree but still in the index.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    linkNodeModules(join(REPO, 'node_modules'), join(copy, 'node_modules'));
    const manifest = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { workspaces: string[] };
    if (!manifest.workspaces.includes(PLUGIN_WORKSPACE)) {
      manifest.workspaces.push(PLUGIN_WORKSPACE);
      writeFileSync(join(copy, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    }
  });

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('generates a service whose lint, build and tests pass', () => {
    const generated = run(copy, ['nx', 'g', '@service-trust/tools:service', 'shipping', '--no-interactive']);
    expect(generated.output).toContain('CREATE apps/shipping/src/app.module.ts');
    expect(generated.status).toBe(0);

    const compose = parse(readFileSync(join(copy, 'docker-compose.yml'), 'utf8'), { merge: true });
    expect(compose.services.shipping.networks).toEqual(['internal']);

    // Only the new project's tasks (its build compiles the libraries it references); the test
    // target still runs after the build, which the process test needs (dist/main.js).
    const checked = run(copy, [
      'nx',
      'run-many',
      '-t',
      'lint',
      'build',
      'test',
      '-p',
      '@service-trust/shipping',
      '--skip-nx-cache',
      '--exclude-task-dependencies',
      '--outputStyle=static',
    ]);
    for (const suite of ['test/shipping.spec.ts', 'test/observability.spec.ts', 'test/process.spec.ts', 'src/config/shipping.config.spec.ts']) {
      expect(checked.output).toMatch(new RegExp(`PASS\\s+shipping\\s+${suite.replace(/[./]/g, '\\$&')}`));
    }
    expect(checked.output).toMatch(/Tests:\s+20 passed, 20 total/);
    expect(checked.output).toContain('Successfully ran targets lint, build, test for project @service-trust/shipping');
    expect(checked.status).toBe(0);
    expect(readdirSync(join(copy, 'apps/shipping/dist'))).toContain('main.js');
  }, 240_000);
});
