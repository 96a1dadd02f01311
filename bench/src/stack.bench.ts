/**
 * Items 3, 4 and 5 on the real stack, started as `npm start` starts it (tools/stack/start.ts) on
 * free ports with a temporary data folder and identities of its own:
 * - 3: `client_credentials` tokens/s of the token endpoint;
 * - 4: `POST /orders` (token exchange + orders → inventory), p50/p99 with cold and warm caches;
 * - 5: resident memory per service, idle and under load; time from the start command to ready.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { descendants, median, percentile, ROOT, rssMiB, runLoad, sleep, track, waitFor } from './lib/proc';
import { send, sendJson } from './lib/http';
import type { Settings } from './settings';
import { freePort } from '@service-trust/service-kit/testing';

const SERVICES = ['auth', 'orders', 'inventory'] as const;
type ServiceName = (typeof SERVICES)[number];

export interface StackResult {
  readonly command: string;
  readonly readyMs: number;
  /** Per service: when the launcher said it was ready, from the command's start. */
  readonly serviceReadyMs: Partial<Record<ServiceName, number>>;
  readonly idleRssMiB: Record<ServiceName, number | undefined>;
  readonly loadedRssMiB: Record<ServiceName, number | undefined>;
  readonly launcherRssMiB: { idle: number | undefined; loaded: number | undefined };
  /** `X-Powered-By` of each service's health route: Express sets it, Fastify does not. */
  readonly poweredBy: Record<ServiceName, string>;
  readonly tokenEndpoint: { rps: number[]; p50: number[]; p99: number[]; non2xx: number; errors: number };
  readonly chain: {
    readonly cold: { latenciesMs: number[]; statuses: number[] };
    /** One connection, each request timed by the load generator (µs resolution). */
    readonly warm1: { p50: number[]; p99: number[]; rps: number[]; non2xx: number };
    readonly warm10: { p50: number[]; p99: number[]; rps: number[]; non2xx: number };
  };
}


const secret = (name: string) => `${name}-${randomBytes(18).toString('base64url')}`;

export async function benchStack(settings: Settings, log: (line: string) => void): Promise<StackResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-stack-'));
  const alice = { username: 'alice', password: secret('alice'), roles: ['customer'], scopes: ['orders:read', 'orders:write', 'inventory:read', 'inventory:reserve'] };
  const ordersClient = { client_id: 'orders-service', client_secret: secret('orders'), audiences: ['inventory'], scopes: ['inventory:read', 'inventory:reserve'], may_exchange_for: ['inventory'] };
  const identities = {
    users: [alice],
    clients: [ordersClient, { client_id: 'inventory-service', client_secret: secret('inventory'), audiences: ['orders'], scopes: ['orders:read'], may_exchange_for: [] }],
  };
  const identitiesFile = join(dir, 'identities.json');
  writeFileSync(identitiesFile, JSON.stringify(identities));
  const [authPort, ordersPort, inventoryPort, pgPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'DATABASE_URL', 'NODE_OPTIONS']) delete env[name];
  Object.assign(env, {
    AUTH_PORT: String(authPort),
    ORDERS_PORT: String(ordersPort),
    INVENTORY_PORT: String(inventoryPort),
    EMBEDDED_PG_PORT: String(pgPort),
    STACK_DATA_DIR: join(dir, 'data'),
    DEMO_IDENTITIES_FILE: identitiesFile,
    // The token endpoint's throttle would otherwise answer 429 within a second of load.
    AUTH_RATE_LIMIT: '1000000000',
    NX_DAEMON: 'false',
  });
  const [file, args, command] =
    settings.stackCommand === 'npm'
      ? ['npm', ['start'], 'npm start']
      : [process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', 'tools/stack/start.ts'], 'node tools/stack/start.ts'];
  const started = performance.now();
  const launcher = track(spawn(file, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: false }));
  const serviceReadyMs: Partial<Record<ServiceName, number>> = {};
  const watcher = setInterval(() => {
    for (const name of SERVICES) {
      if (serviceReadyMs[name] === undefined && new RegExp(`stack\\s+\\| ${name}: ready`).test(launcher.output())) serviceReadyMs[name] = performance.now() - started;
    }
  }, 10);
  try {
    await waitFor(launcher, /The stack is up/, 120_000);
    const readyMs = performance.now() - started;
    clearInterval(watcher);
    log(`  ${command}: up in ${(readyMs / 1000).toFixed(1)} s`);
    const pids = servicePids(launcher.process.pid!);
    const launcherPid = launcherNode(launcher.process.pid!)?.pid ?? launcher.process.pid!;
    await sleep(settings.smoke ? 500 : 3_000);
    const idleRssMiB = sampleRss(pids);
    const launcherIdle = rssMiB(launcherPid);
    const loaded: Record<ServiceName, number | undefined> = { auth: undefined, orders: undefined, inventory: undefined };
    let launcherLoaded: number | undefined;
    const sampler = setInterval(() => {
      for (const name of SERVICES) {
        const v = pids[name] ? rssMiB(pids[name]) : undefined;
        if (v !== undefined) loaded[name] = Math.max(loaded[name] ?? 0, v);
      }
      const l = rssMiB(launcherPid);
      if (l !== undefined) launcherLoaded = Math.max(launcherLoaded ?? 0, l);
    }, 200);

    const auth = `http://127.0.0.1:${authPort}`;
    const orders = `http://127.0.0.1:${ordersPort}`;
    const ports: Record<ServiceName, number> = { auth: authPort, orders: ordersPort, inventory: inventoryPort };
    const poweredBy = {} as Record<ServiceName, string>;
    for (const name of SERVICES) {
      const health = await send(`http://127.0.0.1:${ports[name]}/health/live`);
      poweredBy[name] = String(health.headers['x-powered-by'] ?? 'none');
    }
    try {
      // Item 3: client_credentials tokens/s.
      const basic = `Basic ${Buffer.from(`${ordersClient.client_id}:${ordersClient.client_secret}`).toString('base64')}`;
      const tokenJob = {
        mode: 'cannon' as const,
        url: `${auth}/oauth/token`,
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&audience=inventory&scope=inventory%3Aread',
        connections: settings.connections,
      };
      const check = await send(tokenJob.url, { method: 'POST', headers: tokenJob.headers, body: tokenJob.body });
      if (check.status !== 200) throw new Error(`token endpoint: HTTP ${check.status} ${check.body.slice(0, 200)}`);
      await runLoad({ ...tokenJob, durationSec: settings.warmupSec });
      const tokenEndpoint = { rps: [] as number[], p50: [] as number[], p99: [] as number[], non2xx: 0, errors: 0 };
      for (let run = 0; run < settings.runs; run++) {
        const r = await runLoad({ ...tokenJob, durationSec: settings.durationSec });
        tokenEndpoint.rps.push(r.rps);
        tokenEndpoint.p50.push(r.latencyMs.p50);
        tokenEndpoint.p99.push(r.latencyMs.p99);
        tokenEndpoint.non2xx += r.non2xx;
        tokenEndpoint.errors += r.errors + r.timeouts;
      }
      log(`  token endpoint: ${tokenEndpoint.rps.map((r) => Math.round(r)).join(', ')} tokens/s`);

      // Item 4: the chain. Enough stock for every order the run places (bench database only).
      await raiseStock(`postgres://postgres@127.0.0.1:${pgPort}/postgres`);
      const login = await sendJson<{ access_token: string; refresh_token: string }>(`${auth}/auth/login`, { username: alice.username, password: alice.password });
      const orderBody = JSON.stringify({ sku: 'SKU-MUG-002', quantity: 1 });
      const orderHeaders = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
      // Cold: every request with a user token orders has never seen (no exchanged token cached).
      const coldTokens: string[] = [];
      let refresh = login.refresh_token;
      for (let i = 0; i < settings.coldChainRequests; i++) {
        const next = await sendJson<{ access_token: string; refresh_token: string }>(`${auth}/auth/refresh`, { refresh_token: refresh });
        coldTokens.push(next.access_token);
        refresh = next.refresh_token;
      }
      const cold = await runLoad({
        mode: 'sequence',
        requests: coldTokens.map((token) => ({ url: `${orders}/orders`, method: 'POST', headers: orderHeaders(token), body: orderBody })),
      });
      log(`  chain cold: p50 ${median(cold.latenciesMs).toFixed(1)} ms, p99 ${percentile(cold.latenciesMs, 99).toFixed(1)} ms`);
      // Warm: one user token, its exchanged token cached by orders.
      const warmJob = { mode: 'cannon' as const, url: `${orders}/orders`, method: 'POST', headers: orderHeaders(login.access_token), body: orderBody };
      const first = await send(warmJob.url, { method: 'POST', headers: warmJob.headers, body: orderBody });
      if (first.status !== 201 && first.status !== 200) throw new Error(`POST /orders: HTTP ${first.status} ${first.body.slice(0, 200)}`);
      const warmSequential = async () => {
        const repeat = { url: warmJob.url, method: 'POST', headers: warmJob.headers, body: orderBody, maxCount: 100_000 };
        await runLoad({ mode: 'sequence', repeat: { ...repeat, durationSec: settings.warmupSec } });
        const out = { p50: [] as number[], p99: [] as number[], rps: [] as number[], non2xx: 0 };
        for (let run = 0; run < settings.runs; run++) {
          const r = await runLoad({ mode: 'sequence', repeat: { ...repeat, durationSec: settings.durationSec } });
          out.p50.push(median(r.latenciesMs));
          out.p99.push(percentile(r.latenciesMs, 99));
          out.rps.push(r.latenciesMs.length / (r.latenciesMs.reduce((a, b) => a + b, 0) / 1000));
          out.non2xx += r.statuses.filter((x) => x < 200 || x >= 300).length;
        }
        return out;
      };
      const warm = async (connections: number) => {
        await runLoad({ ...warmJob, connections, durationSec: settings.warmupSec });
        const out = { p50: [] as number[], p99: [] as number[], rps: [] as number[], non2xx: 0 };
        for (let run = 0; run < settings.runs; run++) {
          const r = await runLoad({ ...warmJob, connections, durationSec: settings.durationSec });
          out.p50.push(r.latencyMs.p50);
          out.p99.push(r.latencyMs.p99);
          out.rps.push(r.rps);
          out.non2xx += r.non2xx + r.errors + r.timeouts;
        }
        return out;
      };
      const warm1 = await warmSequential();
      const warm10 = await warm(settings.connections);
      log(`  chain warm: p99 ${median(warm1.p99).toFixed(2)} ms (1 connection), ${median(warm10.p99)} ms (${settings.connections} connections)`);
      clearInterval(sampler);
      return {
        command,
        readyMs,
        serviceReadyMs,
        idleRssMiB,
        loadedRssMiB: loaded,
        launcherRssMiB: { idle: launcherIdle, loaded: launcherLoaded },
        poweredBy,
        tokenEndpoint,
        chain: { cold, warm1, warm10 },
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    clearInterval(watcher);
    await stopTree(launcher);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The node process running tools/stack/start.ts (under npm, not the `sh -c` that started it). */
function launcherNode(root: number): { pid: number; cmdline: string } | undefined {
  return descendants(root).find((p) => p.cmdline.includes('tools/stack/start.ts') && !p.cmdline.includes('&&'));
}

function servicePids(root: number): Record<ServiceName, number | undefined> {
  const all = descendants(root);
  const find = (name: ServiceName) => all.find((p) => p.cmdline.includes(`apps/${name}/dist/main.js`))?.pid;
  return { auth: find('auth'), orders: find('orders'), inventory: find('inventory') };
}

function sampleRss(pids: Record<ServiceName, number | undefined>): Record<ServiceName, number | undefined> {
  return { auth: pids.auth && rssMiB(pids.auth), orders: pids.orders && rssMiB(pids.orders), inventory: pids.inventory && rssMiB(pids.inventory) };
}

async function raiseStock(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query('UPDATE inventory.items SET available = 1000000000');
  } finally {
    await client.end();
  }
}

/** SIGTERM to the launcher (through npm when started by npm), which stops the services. */
async function stopTree(launcher: ReturnType<typeof track>): Promise<void> {
  const pid = launcher.process.pid;
  if (!pid) return;
  const tree = descendants(pid);
  const node = launcherNode(pid);
  if (node) process.kill(node.pid, 'SIGTERM');
  else launcher.process.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const p of [...tree].reverse()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    launcher.process.kill('SIGKILL');
  }, 20_000);
  await launcher.exited;
  clearTimeout(timer);
}
