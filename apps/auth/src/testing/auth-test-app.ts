import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@service-trust/service-kit';
import { freePort } from '@service-trust/service-kit/testing';
import { AppModule } from '../app.module';
import { loadAuthConfig } from '../config/auth.config';

const secret = () => randomBytes(24).toString('base64url');

/** Identities made fresh for each test run: nothing secret is committed. */
export function makeTestIdentities() {
  return {
    users: [
      { username: 'alice', password: secret(), roles: ['customer'], scopes: ['orders:read', 'orders:write', 'inventory:read', 'inventory:reserve'] },
      { username: 'bob', password: secret(), roles: ['customer'], scopes: ['orders:read'] },
    ],
    clients: [
      { client_id: 'orders-service', client_secret: secret(), audiences: ['inventory'], scopes: ['inventory:read', 'inventory:reserve'], may_exchange_for: ['inventory'] },
      { client_id: 'inventory-service', client_secret: secret(), audiences: ['orders'], scopes: ['orders:read'], may_exchange_for: [] },
      { client_id: 'ops-cli', client_secret: secret(), audiences: ['auth'], scopes: ['keys:rotate'], may_exchange_for: [] },
    ],
  };
}

export type TestIdentities = ReturnType<typeof makeTestIdentities>;

export interface AuthTestApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly identities: TestIdentities;
  /** `Basic` credentials of a client of {@link identities}. */
  basic(clientId: string): string;
  close(): Promise<void>;
}

/**
 * Starts the real auth app on an ephemeral port against `databaseUrl`, with fresh demo
 * identities and a fresh key-encryption key. `env` overrides any variable.
 */
export async function startAuthTestApp(databaseUrl: string, env: Record<string, string> = {}, identities = makeTestIdentities()): Promise<AuthTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-test-'));
  const identitiesFile = join(dir, 'identities.json');
  writeFileSync(identitiesFile, JSON.stringify(identities));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadAuthConfig({
    AUTH_ISSUER: baseUrl,
    DATABASE_URL: databaseUrl,
    AUTH_KEY_ENCRYPTION_KEY: env['AUTH_KEY_ENCRYPTION_KEY'] ?? randomBytes(32).toString('base64url'),
    DEMO_IDENTITIES_FILE: identitiesFile,
    AUTH_RATE_LIMIT: '1000',
    ...env,
  });
  const app = await createServiceApp(AppModule.forRoot(config), { logger: false });
  await app.listen(port, '127.0.0.1');
  return {
    app,
    baseUrl,
    identities,
    basic(clientId) {
      const client = identities.clients.find((c) => c.client_id === clientId);
      if (!client) throw new Error(`No test client ${clientId}`);
      return `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
    },
    close: () => app.close(),
  };
}


/** POSTs a form to the app; returns status, headers and parsed JSON body. */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
}

/** POSTs JSON to the app; returns status, headers and parsed JSON body. */
export async function postJson(url: string, json: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof json === 'string' ? json : JSON.stringify(json),
  });
  return { status: response.status, headers: response.headers, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
}
