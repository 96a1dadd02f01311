/**
 * Test harness: the services as real processes (`node apps/<name>/dist/main.js`) with explicit
 * environments, and the fault injectors the tests put between them — a TCP proxy in front of
 * PostgreSQL that can be cut, and an HTTP proxy in front of a JWKS endpoint (or any service) that
 * can serve garbage, stall, or drop answers. Everything listens on 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server as HttpServer, type ServerResponse, createServer as createHttpServer, request as httpRequest } from 'node:http';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@service-trust/service-kit/testing';

export const ROOT = resolve(__dirname, '../../..');
export const LOOPBACK = '127.0.0.1';

export const secret = (name: string) => `${name}-${randomBytes(18).toString('base64url')}`;
export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Identities made for one run, with random secrets (the shape of config/demo-identities.json). */
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
    ],
  };
}
export type Identities = ReturnType<typeof makeIdentities>;


/** A scratch folder removed by {@link cleanup}. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'resilience-e2e-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const cleanups: (() => Promise<void>)[] = [];
/** Runs every registered cleanup, newest first. */
export async function cleanup(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
}
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** Everything every process printed, for the secrets scan. */
export const allOutput: string[] = [];

/** One service process. */
export class ServiceProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  output = '';

  constructor(
    readonly name: 'auth' | 'orders' | 'inventory',
    readonly port: number,
    private env: NodeJS.ProcessEnv,
  ) {
    onCleanup(() => this.kill());
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits for GET /health/ready (bounded). */
  async start(timeoutMs = 30_000): Promise<this> {
    const base: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], NODE_OPTIONS: '' };
    const child = spawn(process.execPath, [join(ROOT, 'apps', this.name, 'dist', 'main.js')], {
      cwd: ROOT,
      env: { ...base, NODE_ENV: 'development', PORT: String(this.port), ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const index = allOutput.push('') - 1;
    const record = (chunk: Buffer) => {
      this.output += chunk.toString();
      allOutput[index] = this.output;
    };
    child.stdout!.on('data', record);
    child.stderr!.on('data', record);
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
    let gone = false;
    void this.exited.then(() => (gone = true));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (gone) throw new Error(`${this.name} exited before it was ready:\n${this.output}`);
      const ready = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
      if (ready) return this;
      await sleep(100);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGTERM and wait for the exit (SIGKILL after 10 s). */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return this.child?.exitCode ?? null;
    this.thaw();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    const code = await this.exited!;
    clearTimeout(timer);
    return code;
  }

  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }
}

/**
 * A TCP proxy (node:net) in front of PostgreSQL. `cut('reset')` drops every connection and
 * resets new ones (the server went away); `cut('blackhole')` drops every connection and
 * accepts new ones without ever answering (a partition); `restore()` forwards again.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private mode: 'pass' | 'reset' | 'blackhole' = 'pass';
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    onCleanup(() => this.close());
  }

  async listen(): Promise<this> {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      if (this.mode === 'reset') return void client.resetAndDestroy();
      if (this.mode === 'blackhole') return;
      const upstream = connect(this.targetPort, this.targetHost);
      this.sockets.add(upstream);
      upstream.on('close', () => {
        this.sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((done) => this.server!.listen(0, LOOPBACK, done));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  cut(mode: 'reset' | 'blackhole' = 'reset'): void {
    this.mode = mode;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.mode = 'pass';
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}

export type ProxyMode = 'pass' | 'html' | 'invalid-json' | 'empty' | '500' | 'slow' | 'drop-response';

/**
 * An HTTP proxy to `target` whose answers a test controls, per route prefix: forward (`pass`),
 * serve an HTML page, invalid JSON, an empty key set, a 500, stall for `slowMs`, or forward the
 * request and then drop the connection instead of answering (`drop-response`).
 * Counts the requests it saw per mode.
 */
export class HttpProxy {
  private server?: HttpServer;
  private readonly modes = new Map<string, ProxyMode>();
  readonly seen: { path: string; mode: ProxyMode }[] = [];
  port = 0;
  slowMs = 10_000;

  constructor(private readonly target: () => string) {
    onCleanup(() => this.close());
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  /** The mode of requests whose path starts with `prefix` (longest prefix wins; default `pass`). */
  setMode(prefix: string, mode: ProxyMode): void {
    this.modes.set(prefix, mode);
  }

  count(prefix = '/', mode?: ProxyMode): number {
    return this.seen.filter((s) => s.path.startsWith(prefix) && (mode === undefined || s.mode === mode)).length;
  }

  private modeOf(path: string): ProxyMode {
    let best = '';
    for (const prefix of this.modes.keys()) if (path.startsWith(prefix) && prefix.length > best.length) best = prefix;
    return this.modes.get(best) ?? 'pass';
  }

  async listen(): Promise<this> {
    this.server = createHttpServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 1_000;
    await new Promise<void>((done) => this.server!.listen(0, LOOPBACK, done));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const mode = this.modeOf(path);
    this.seen.push({ path, mode });
    const json = (status: number, body: string, type = 'application/json'): void => void res.writeHead(status, { 'content-type': type }).end(body);
    switch (mode) {
      case 'html':
        return json(200, '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>', 'text/html');
      case 'invalid-json':
        return json(200, '{"keys": [{"kty": "RSA", "kid": ');
      case 'empty':
        return json(200, '{"keys": []}');
      case '500':
        return json(500, '{"error":"boom"}');
      case 'slow': {
        const timer = setTimeout(() => json(200, '{"keys": []}'), this.slowMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      default:
        break;
    }
    // Forward: strip a leading route prefix of the form /p/<name> (one proxy, several routes).
    const upstreamPath = path.replace(/^\/p\/[^/]+/, '') || '/';
    const target = new URL(upstreamPath, this.target());
    const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      if (mode === 'drop-response') {
        answer.resume();
        answer.on('end', () => res.socket?.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.socket?.destroy());
    upstream.setTimeout(15_000, () => upstream.destroy());
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}

/** Everything a response carried, for the checks and the secrets scan. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  ms: number;
}

/** Every response body a test received, for the secrets scan. */
export const allResponses: string[] = [];

/** One bounded HTTP call (default 15 s). Never throws on a status; throws on a network error. */
export async function call(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 15_000), redirect: 'manual' });
  const text = await response.text();
  allResponses.push(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json, ms: performance.now() - started };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const basic = (id: string, secretValue: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secretValue)}`).toString('base64')}`,
});

/** Tokens issued during the run, for the secrets scan. */
export const issuedTokens: string[] = [];

export async function login(authUrl: string, username: string, password: string): Promise<string> {
  const res = await call(`${authUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  const body = res.json as { access_token: string; refresh_token: string };
  issuedTokens.push(body.access_token, body.refresh_token);
  return body.access_token;
}

export async function clientToken(authUrl: string, client: { client_id: string; client_secret: string }, audience: string, scope?: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', audience, ...(scope ? { scope } : {}) });
  const res = await call(`${authUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(client.client_id, client.client_secret) },
    body: form.toString(),
  });
  if (res.status !== 200) throw new Error(`client_credentials ${client.client_id}: ${res.status} ${res.text}`);
  const token = (res.json as { access_token: string }).access_token;
  issuedTokens.push(token);
  return token;
}

export function decodeHeader(token: string): { kid: string; alg: string } {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string; alg: string };
}

/** `token` with its header's `kid` replaced: a well-formed token for a key nobody published. */
export function withKid(token: string, kid: string): string {
  const [header, payload, signature] = token.split('.');
  const h = JSON.parse(Buffer.from(header!, 'base64url').toString()) as Record<string, unknown>;
  return [Buffer.from(JSON.stringify({ ...h, kid })).toString('base64url'), payload, signature].join('.');
}

export const randomKid = () => createHash('sha256').update(randomBytes(16)).digest('base64url');

export function writeIdentities(dir: string, identities: Identities): string {
  const file = join(dir, 'identities.json');
  writeFileSync(file, JSON.stringify(identities), { mode: 0o600 });
  return file;
}

/** Deterministic PRNG (mulberry32), so a fuzz failure can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `tasks` with at most `width` in flight. */
export async function pool<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; the elapsed ms, or throws. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await sleep(everyMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

export { freePort };
