import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@service-trust/service-kit/testing';

export const ROOT = resolve(__dirname, '../../..');

const secret = (name: string) => `${name}-${randomBytes(18).toString('base64url')}`;

/** Identities made for one run: the demo ones plus a client allowed to exchange that inventory does not trust. */
export function makeIdentities() {
  return {
    users: [
      { username: 'alice', password: secret('alice'), roles: ['customer'], scopes: ['orders:read', 'orders:write', 'inventory:read', 'inventory:reserve'] },
      { username: 'bob', password: secret('bob'), roles: ['customer'], scopes: ['orders:read'] },
    ],
    clients: [
      { client_id: 'orders-service', client_secret: secret('orders'), audiences: ['inventory'], scopes: ['inventory:read', 'inventory:reserve'], may_exchange_for: ['inventory'] },
      { client_id: 'inventory-service', client_secret: secret('inventory'), audiences: ['orders'], scopes: ['orders:read'], may_exchange_for: [] },
      { client_id: 'ops-cli', client_secret: secret('ops'), audiences: ['auth'], scopes: ['keys:rotate'], may_exchange_for: [] },
      { client_id: 'reports-service', client_secret: secret('reports'), audiences: ['inventory'], scopes: ['inventory:read', 'inventory:reserve'], may_exchange_for: ['inventory'] },
    ],
  };
}

export type Identities = ReturnType<typeof makeIdentities>;

export interface RunningStack {
  readonly urls: { auth: string; orders: string; inventory: string };
  readonly identities: Identities;
  readonly identitiesFile: string;
  /** Everything the launcher printed so far. */
  output(): string;
  stop(): Promise<number | null>;
}

/** The environment without colour settings: the tests read plain output. */
export function withoutColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const plain = { ...env };
  delete plain['FORCE_COLOR'];
  delete plain['NO_COLOR'];
  return plain;
}


/**
 * Runs `npm start`'s launcher (tools/stack/start.ts) on free ports with its own data folder and
 * identities, against the embedded database or `databaseUrl`, and waits until it says it is up.
 */
export async function startStack(options: { databaseUrl?: string } = {}): Promise<RunningStack> {
  const dir = mkdtempSync(join(tmpdir(), 'stack-e2e-'));
  const identities = makeIdentities();
  const identitiesFile = join(dir, 'identities.json');
  writeFileSync(identitiesFile, JSON.stringify(identities));
  const [auth, orders, inventory, pg] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = {
    ...withoutColor(process.env),
    NODE_OPTIONS: '',
    AUTH_PORT: String(auth),
    ORDERS_PORT: String(orders),
    INVENTORY_PORT: String(inventory),
    EMBEDDED_PG_PORT: String(pg),
    STACK_DATA_DIR: join(dir, 'data'),
    DEMO_IDENTITIES_FILE: identitiesFile,
    AUTH_RATE_LIMIT: '10000',
  };
  delete env['DATABASE_URL'];
  if (options.databaseUrl) env['DATABASE_URL'] = options.databaseUrl;
  const child: ChildProcess = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', 'tools/stack/start.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const deadline = Date.now() + 50_000;
  while (!output.includes('The stack is up')) {
    const early = await Promise.race([exited.then((code) => ({ code })), new Promise((r) => setTimeout(r, 100))]);
    if (early && typeof early === 'object' && 'code' in early) throw new Error(`The stack exited (${String(early.code)}) before it was up:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The stack was not up within 50 s:\n${output}`);
    }
  }
  const local = (port: number) => `http://localhost:${port}`;
  return {
    urls: { auth: local(auth), orders: local(orders), inventory: local(inventory) },
    identities,
    identitiesFile,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** The walkthrough exactly as the launcher printed it: the indented lines under "Try:". */
export function printedWalkthrough(output: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'Try:');
  const end = lines.findIndex((line, i) => i > start && line.includes('npm run demo'));
  if (start < 0 || end < 0) throw new Error(`No walkthrough in the launcher's output:\n${output}`);
  return lines.slice(start + 1, end).map((line) => line.trim()).filter((line) => line !== '');
}
