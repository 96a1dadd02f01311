import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The `npm start` launcher (tools/stack/start.ts), run for real against fake services: a copy of
// tools/stack and config/ in a temporary root whose apps/<name>/dist/main.js is a tiny HTTP server
// that connects to DATABASE_URL and reports the environment it was given. It needs no real app,
// only this library built (the launcher loads @service-trust/embedded-postgres from dist).

const WORKSPACE = resolve(__dirname, '../../..');

const FAKE_SERVICE = `
const http = require('node:http');
const { basename, dirname } = require('node:path');
const { Client } = require('pg');
const name = basename(dirname(dirname(__filename)));
const env = process.env;
if (env.FAKE_CRASH === name) setTimeout(() => { console.error('fake ' + name + ' crashing'); process.exit(3); }, 300);
(async () => {
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  await db.query('CREATE TABLE IF NOT EXISTS public.starts (service text, at timestamptz DEFAULT now())');
  await db.query('INSERT INTO public.starts (service) VALUES ($1)', [name]);
  const server = http.createServer(async (req, res) => {
    if (req.url === '/health/ready' && env.FAKE_NEVER_READY !== name) {
      await db.query('SELECT 1');
      res.end('{"status":"ok"}');
    } else if (req.url === '/env') {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM public.starts WHERE service = $1', [name]);
      res.end(JSON.stringify({ starts: rows[0].n, env }));
    } else { res.statusCode = 503; res.end('{"status":"unavailable"}'); }
  });
  server.listen(Number(env.PORT), '0.0.0.0', () => console.log('fake ' + name + ' listening on ' + env.PORT));
  process.on('SIGTERM', () => { console.log('fake ' + name + ' got SIGTERM'); server.close(); db.end().then(() => process.exit(0)); });
})().catch((e) => { console.error(e.message); process.exit(2); });
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

interface Launch {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
}

function launch(root: string, env: Record<string, string>): Launch {
  const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', 'tools/stack/start.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH']!, HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    output: () => output,
    exited,
    async waitFor(text, timeoutMs = 40_000) {
      const started = Date.now();
      const found = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
      while (!found()) {
        if (child.exitCode !== null) throw new Error(`launcher exited (${child.exitCode}) before printing ${text}:\n${output}`);
        if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${text}:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

describe('npm start launcher (tools/stack/start.ts)', () => {
  let root: string;
  let ports: Record<'AUTH_PORT' | 'ORDERS_PORT' | 'INVENTORY_PORT' | 'EMBEDDED_PG_PORT', string>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'stack-launcher-'));
    cpSync(join(WORKSPACE, 'tools/stack'), join(root, 'tools/stack'), { recursive: true });
    cpSync(join(WORKSPACE, 'config'), join(root, 'config'), { recursive: true });
    symlinkSync(join(WORKSPACE, 'node_modules'), join(root, 'node_modules'));
    for (const app of ['auth', 'inventory']) {
      mkdirSync(join(root, 'apps', app, 'dist'), { recursive: true });
      writeFileSync(join(root, 'apps', app, 'dist', 'main.js'), FAKE_SERVICE);
    }
    ports = {
      AUTH_PORT: String(await freePort()),
      ORDERS_PORT: String(await freePort()),
      INVENTORY_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
    };
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses to start when NODE_ENV=production', async () => {
    const run = launch(root, { ...ports, NODE_ENV: 'production' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/Refusing to start: NODE_ENV=production/);
  });

  it('starts the database and the built services, prints the summary, and stops cleanly on SIGINT', async () => {
    const identities = JSON.parse(readFileSync(join(root, 'config/demo-identities.json'), 'utf8'));
    const run = launch(root, ports);
    try {
      await run.waitFor('Ctrl-C stops everything');
      const out = run.output();
      expect(out).toMatch(/orders: not built yet, not started/);
      expect(out).toMatch(new RegExp(`auth +\\| fake auth listening on ${ports.AUTH_PORT}`));
      expect(out).toMatch(new RegExp(`inventory +\\| fake inventory listening on ${ports.INVENTORY_PORT}`));
      expect(out).toContain(`http://localhost:${ports.AUTH_PORT}`);
      expect(out).toContain(`alice / ${identities.users[0].password}`);
      expect(out).toContain(`curl -u orders-service:${identities.clients[0].client_secret} -d grant_type=client_credentials`);
      expect(out).toContain(`http://localhost:${ports.AUTH_PORT}/auth/login`);

      const auth = (await (await fetch(`http://127.0.0.1:${ports.AUTH_PORT}/env`)).json()) as { env: Record<string, string> };
      expect(auth.env).toMatchObject({
        NODE_ENV: 'development',
        PORT: ports.AUTH_PORT,
        AUTH_ISSUER: `http://localhost:${ports.AUTH_PORT}`,
        DEMO_IDENTITIES_FILE: 'config/demo-identities.json',
        DATABASE_URL: `postgres://postgres@127.0.0.1:${ports.EMBEDDED_PG_PORT}/postgres`,
        AUTH_KEY_ENCRYPTION_KEY_FILE: join(root, '.data/secrets/auth-key-encryption-key'),
      });
      const keyFile = auth.env['AUTH_KEY_ENCRYPTION_KEY_FILE']!;
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64url')).toHaveLength(32);

      const inventory = (await (await fetch(`http://127.0.0.1:${ports.INVENTORY_PORT}/env`)).json()) as {
        env: Record<string, string>;
      };
      expect(inventory.env).toMatchObject({
        SERVICE_CLIENT_ID: 'inventory-service',
        SERVICE_CLIENT_SECRET: identities.clients[1].client_secret,
        INVENTORY_URL: `http://localhost:${ports.INVENTORY_PORT}`,
      });
      expect(inventory.env['AUTH_KEY_ENCRYPTION_KEY_FILE']).toBeUndefined();
    } finally {
      run.child.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/fake auth got SIGTERM/);
    expect(run.output()).toMatch(/fake inventory got SIGTERM/);
    expect(run.output()).toMatch(/database: stopping/);

    // Second start: same data directory (data kept), same key.
    const again = launch(root, ports);
    try {
      await again.waitFor('Ctrl-C stops everything');
      const auth = (await (await fetch(`http://127.0.0.1:${ports.AUTH_PORT}/env`)).json()) as { starts: number };
      expect(auth.starts).toBe(2);
      expect(again.output()).not.toMatch(/generated the auth key-encryption key/);
    } finally {
      again.child.kill('SIGTERM');
    }
    expect(await again.exited).toBe(0);
  }, 120_000);

  it('stops everything and exits non-zero, naming the service, when a service dies', async () => {
    const run = launch(root, { ...ports, FAKE_CRASH: 'inventory' });
    const code = await run.exited;
    expect(code).toBe(1);
    expect(run.output()).toMatch(/inventory exited \(code 3\)/);
    expect(run.output()).toMatch(/last output of inventory:[\s\S]*fake inventory crashing/);
    expect(run.output()).toMatch(/fake auth got SIGTERM/);
  }, 60_000);

  it('gives up on a service that never becomes ready, with its last answer', async () => {
    const run = launch(root, { ...ports, FAKE_NEVER_READY: 'auth', STACK_READY_TIMEOUT_MS: '2000' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/auth was not ready within 2 s \(GET http:\/\/127\.0\.0\.1:\d+\/health\/ready: HTTP 503/);
    expect(run.output()).toMatch(/fake auth got SIGTERM/);
  }, 60_000);
});
