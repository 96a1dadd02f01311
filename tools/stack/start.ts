/**
 * `npm start`: the whole stack on one machine, for development.
 *
 * - Without DATABASE_URL, starts ONE embedded PostgreSQL (PGlite) with its data in .data/pg,
 *   listening on 127.0.0.1:54329 (EMBEDDED_PG_PORT), shared by every service. `rm -rf .data`
 *   gives a fresh stack.
 * - Generates on first run the auth key-encryption key in .data/secrets/ (mode 0600).
 * - Starts each service of tools/stack/services.ts as `node apps/<name>/dist/main.js`, prefixes
 *   its output with its name, waits for GET /health/ready, then prints URLs, the demo identities
 *   and a few curl lines.
 * - Ctrl-C / SIGTERM stops the services (SIGTERM, SIGKILL after 10 s), then the database; exit 0.
 *   A service that dies stops everything; exit 1.
 *
 * Environment: DATABASE_URL, EMBEDDED_PG_PORT, AUTH_PORT, ORDERS_PORT, INVENTORY_PORT,
 * STACK_DATA_DIR (default .data), STACK_READY_TIMEOUT_MS (default 30000), DEMO_IDENTITIES_FILE.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_EMBEDDED_PG_PORT, SERVICE_NODE_OPTIONS, SERVICES, type ServiceDefinition } from './services.ts';
import { DEMO_SKU, formatWalkthrough, walkthroughSteps } from './walkthrough.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const IDENTITIES_FILE = process.env['DEMO_IDENTITIES_FILE'] || 'config/demo-identities.json';
const READY_TIMEOUT_MS = Number(process.env['STACK_READY_TIMEOUT_MS'] ?? 30_000);
const STOP_GRACE_MS = 10_000;
const KEEP_LINES = 30;

const color = process.stdout.isTTY && !process.env['NO_COLOR'];
const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const COLORS = [36, 35, 33, 32, 34];
const say = (text: string) => process.stdout.write(`${paint(1, 'stack    ')} | ${text}\n`);
const warn = (text: string) => process.stderr.write(`${paint(31, 'stack    ')} | ${text}\n`);

interface DemoIdentities {
  users: { username: string; password: string; roles?: string[]; scopes?: string[] }[];
  clients: { client_id: string; client_secret: string; audiences?: string[]; scopes?: string[] }[];
}

interface Running {
  readonly service: ServiceDefinition;
  readonly port: number;
  readonly child: ChildProcess;
  readonly lastLines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  done: boolean;
}

const running: Running[] = [];
let database: { url: string; stop(): Promise<void> } | undefined;
let shuttingDown = false;

async function main(): Promise<void> {
  if (process.env['NODE_ENV'] === 'production') {
    throw new StackError(
      'Refusing to start: NODE_ENV=production. `npm start` is the development stack; it seeds the public demo identities ' +
        `of ${IDENTITIES_FILE} and an embedded database. Deploy the services individually instead.`,
    );
  }
  const identities = readIdentities();
  const ports = new Map(SERVICES.map((s) => [s.name, port(s.portVariable, s.defaultPort)]));
  const authPort = ports.get('auth')!;
  const issuer = `http://localhost:${authPort}`;
  const dataDir = resolve(ROOT, process.env['STACK_DATA_DIR'] ?? '.data');

  const toStart = SERVICES.filter((service) => {
    if (existsSync(mainFile(service))) return true;
    const hint = `${rel(mainFile(service))} is missing (build it: npx nx run @service-trust/${service.name}:build)`;
    if (service.required) throw new StackError(`Cannot start ${service.name}: ${hint}.`);
    say(`${service.name}: not built yet, not started — ${hint}`);
    return false;
  });

  const databaseUrl = process.env['DATABASE_URL'] || (await startDatabase(dataDir));
  const keyEnv = authKeyEncryptionKey(dataDir);

  for (const service of toStart) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(ports.get(service.name)),
      DATABASE_URL: databaseUrl,
      AUTH_ISSUER: issuer,
      DEMO_IDENTITIES_FILE: IDENTITIES_FILE,
      INVENTORY_URL: `http://localhost:${ports.get('inventory')}`,
      ...(service.name === 'auth' ? keyEnv : {}),
    };
    if (service.clientId) {
      const client = identities.clients.find((c) => c.client_id === service.clientId);
      if (!client) throw new StackError(`${IDENTITIES_FILE} has no client "${service.clientId}" for ${service.name}.`);
      env['SERVICE_CLIENT_ID'] = client.client_id;
      env['SERVICE_CLIENT_SECRET'] = client.client_secret;
    }
    await startService(service, ports.get(service.name)!, env);
  }

  printSummary(identities, toStart, ports, databaseUrl, dataDir);
}

async function startDatabase(dataDir: string): Promise<string> {
  const pgPort = port('EMBEDDED_PG_PORT', DEFAULT_EMBEDDED_PG_PORT);
  const pgDir = join(dataDir, 'pg');
  const fresh = !existsSync(join(pgDir, 'PG_VERSION'));
  say(`database: starting embedded PostgreSQL on 127.0.0.1:${pgPort}, data in ${rel(pgDir)}${fresh ? ' (new)' : ''}…`);
  let lib: typeof import('@service-trust/embedded-postgres');
  try {
    lib = await import('@service-trust/embedded-postgres');
  } catch (error) {
    throw new StackError(
      `Cannot load @service-trust/embedded-postgres (${(error as Error).message}). Build first: npx nx run-many -t build`,
    );
  }
  const started = Date.now();
  try {
    database = await lib.startEmbeddedPostgres({ dataDir: pgDir, host: '127.0.0.1', port: pgPort });
  } catch (error) {
    const message = (error as Error).message;
    const hint = /EADDRINUSE/.test(message)
      ? ` Port ${pgPort} is taken: set EMBEDDED_PG_PORT to a free port (or DATABASE_URL to use your own PostgreSQL).`
      : '';
    throw new StackError(`${message}${hint}`);
  }
  say(`database: ready at ${database.url} (${seconds(started)})`);
  return database.url;
}

/** The auth service's key-encryption key: given by the caller, or generated once under .data/secrets. */
function authKeyEncryptionKey(dataDir: string): NodeJS.ProcessEnv {
  if (process.env['AUTH_KEY_ENCRYPTION_KEY'] || process.env['AUTH_KEY_ENCRYPTION_KEY_FILE']) return {};
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'auth-key-encryption-key');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    say(`secrets: generated the auth key-encryption key in ${rel(file)}`);
  }
  chmodSync(file, 0o600);
  return { AUTH_KEY_ENCRYPTION_KEY_FILE: file };
}

async function startService(service: ServiceDefinition, servicePort: number, env: NodeJS.ProcessEnv): Promise<void> {
  const started = Date.now();
  say(`${service.name}: starting on port ${servicePort}…`);
  const child = spawn(process.execPath, [...SERVICE_NODE_OPTIONS, mainFile(service)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry: Running = {
    service,
    port: servicePort,
    child,
    lastLines: [],
    done: false,
    exited: new Promise((done) => child.once('exit', (code, signal) => done({ code, signal }))),
  };
  running.push(entry);
  const prefix = paint(COLORS[SERVICES.indexOf(service) % COLORS.length]!, service.name.padEnd(9));
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      entry.lastLines.push(line);
      if (entry.lastLines.length > KEEP_LINES) entry.lastLines.shift();
      (stream === child.stderr ? process.stderr : process.stdout).write(`${prefix} | ${line}\n`);
    });
  }
  void entry.exited.then(({ code, signal }) => {
    entry.done = true;
    if (!shuttingDown) void fail(entry, `${service.name} exited (${signal ? `signal ${signal}` : `code ${code}`})`);
  });

  const url = `http://127.0.0.1:${servicePort}/health/ready`;
  let last = 'no answer yet';
  let nextNote = Date.now() + 5_000;
  while (Date.now() - started < READY_TIMEOUT_MS) {
    if (entry.done || shuttingDown) return new Promise(() => undefined); // fail()/shutdown take over
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      const body = await response.text();
      if (response.ok) {
        say(`${service.name}: ready on http://localhost:${servicePort} (${seconds(started)})`);
        return;
      }
      last = `HTTP ${response.status} ${body.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    }
    if (Date.now() >= nextNote) {
      say(`${service.name}: still waiting for ${url} (${seconds(started)}, last: ${last})`);
      nextNote = Date.now() + 5_000;
    }
    await sleep(250);
  }
  await fail(entry, `${service.name} was not ready within ${READY_TIMEOUT_MS / 1000} s (GET ${url}: ${last})`);
}

function printSummary(
  identities: DemoIdentities,
  started: readonly ServiceDefinition[],
  ports: Map<string, number>,
  databaseUrl: string,
  dataDir: string,
): void {
  const lines = [
    '',
    paint(1, 'The stack is up (development only: the identities below are public demo credentials).'),
    '',
    ...started.map((s) => `  ${s.name.padEnd(10)} http://localhost:${ports.get(s.name)}`),
    `  ${'database'.padEnd(10)} ${redact(databaseUrl)}${database ? `  (embedded, data in ${rel(join(dataDir, 'pg'))}; rm -rf ${rel(dataDir)} for a fresh stack)` : ''}`,
    '',
    '  Users (username / password — scopes):',
    ...identities.users.map((u) => `    ${u.username} / ${u.password} — ${(u.scopes ?? []).join(' ')}`),
    '  Clients (client_id / client_secret — audiences):',
    ...identities.clients.map((c) => `    ${c.client_id} / ${c.client_secret} — ${(c.audiences ?? []).join(' ')}`),
    '',
    '  Try:',
    ...tryLines(identities, started, ports),
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The walkthrough when the whole stack runs; a few auth calls otherwise. */
function tryLines(identities: DemoIdentities, started: readonly ServiceDefinition[], ports: Map<string, number>): string[] {
  const url = (name: string) => `http://localhost:${ports.get(name)}`;
  const user = identities.users.find((u) => u.username === 'alice') ?? identities.users[0];
  const service = identities.clients.find((c) => c.client_id === 'orders-service');
  const all = ['auth', 'orders', 'inventory'].every((name) => started.some((s) => s.name === name));
  if (all && user && service) {
    const steps = walkthroughSteps({ auth: url('auth'), orders: url('orders'), inventory: url('inventory'), user, service, sku: DEMO_SKU });
    return [formatWalkthrough(steps), '', '  Or let `npm run demo` walk you through it, decoding every token on the way.'];
  }
  return [
    `    curl ${url('auth')}/.well-known/openid-configuration`,
    ...(service ? [`    curl -u ${service.client_id}:${service.client_secret} -d grant_type=client_credentials -d audience=inventory ${url('auth')}/oauth/token`] : []),
    ...(user ? [`    curl -H 'content-type: application/json' -d '{"username":"${user.username}","password":"${user.password}"}' ${url('auth')}/auth/login`] : []),
  ];
}

/** Stops the services (SIGTERM, then SIGKILL after STOP_GRACE_MS), then the database. */
async function shutdown(exitCode: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    const alive = running.filter((r) => !r.done);
    if (alive.length) say(`stopping ${alive.map((r) => r.service.name).join(', ')}…`);
    await Promise.all(
      [...alive].reverse().map(async (r) => {
        r.child.kill('SIGTERM');
        const timer = setTimeout(() => {
          warn(`${r.service.name} did not stop within ${STOP_GRACE_MS / 1000} s: SIGKILL`);
          r.child.kill('SIGKILL');
        }, STOP_GRACE_MS);
        await r.exited;
        clearTimeout(timer);
      }),
    );
    if (database) {
      say('database: stopping…');
      await database.stop().catch((error: unknown) => warn(`database: ${(error as Error).message}`));
    }
    if (alive.length || database) say(exitCode === 0 ? 'stopped.' : 'stopped after a failure.');
    process.exit(exitCode);
  }
  return new Promise<never>(() => undefined);
}

async function fail(entry: Running, reason: string): Promise<never> {
  if (shuttingDown) return new Promise<never>(() => undefined);
  warn(`${reason}.`);
  if (entry.lastLines.length) {
    warn(`last output of ${entry.service.name}:`);
    for (const line of entry.lastLines.slice(-15)) warn(`  ${line}`);
  } else {
    warn(`${entry.service.name} printed nothing.`);
  }
  return shutdown(1);
}

class StackError extends Error {}

function readIdentities(): DemoIdentities {
  try {
    return JSON.parse(readFileSync(resolve(ROOT, IDENTITIES_FILE), 'utf8')) as DemoIdentities;
  } catch (error) {
    throw new StackError(`Cannot read ${IDENTITIES_FILE}: ${(error as Error).message}`);
  }
}

function port(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new StackError(`${variable}=${raw} is not a port number.`);
  }
  return value;
}

const mainFile = (service: ServiceDefinition) => join(ROOT, 'apps', service.name, 'dist', 'main.js');
const rel = (path: string) => {
  const r = relative(ROOT, path);
  return r.startsWith('..') ? path : r || '.';
};
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@/]+@/, '//$1:***@');

process.on('SIGINT', () => {
  if (shuttingDown) {
    warn('second interrupt: killing the services now.');
    for (const r of running) if (!r.done) r.child.kill('SIGKILL');
    return;
  }
  process.stdout.write('\n');
  void shutdown(0);
});
process.on('SIGTERM', () => void shutdown(0));
// Whatever happens to this process, never leave services behind.
process.on('exit', () => {
  for (const r of running) if (!r.done) r.child.kill('SIGKILL');
});

main().catch(async (error: unknown) => {
  warn(error instanceof StackError ? error.message : `failed: ${(error as Error).stack ?? String(error)}`);
  await shutdown(1);
});
