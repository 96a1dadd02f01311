import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@service-trust/service-kit';
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { AppModule } from '../src/app.module';
import { loadAuthConfig } from '../src/config/auth.config';
import { freePort } from '@service-trust/service-kit/testing';
import { makeTestIdentities, postForm, postJson } from '../src/testing/auth-test-app';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';

/** The real auth app at debug level, its JSON log lines captured. */
describe('auth: logs, request ids and metrics', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let baseUrl: string;
  const identities = makeTestIdentities();
  const lines: string[] = [];
  const client = (id: string) => identities.clients.find((c) => c.client_id === id)!;
  const basic = (id: string) => `Basic ${Buffer.from(`${id}:${client(id).client_secret}`).toString('base64')}`;
  const metric = async (pattern: RegExp) => Number(pattern.exec(await (await fetch(`${baseUrl}/metrics`)).text())?.[1] ?? 0);

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const dir = mkdtempSync(join(tmpdir(), 'auth-observability-'));
    writeFileSync(join(dir, 'identities.json'), JSON.stringify(identities));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const config = loadAuthConfig({
      AUTH_ISSUER: baseUrl,
      DATABASE_URL: db.url,
      AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      DEMO_IDENTITIES_FILE: join(dir, 'identities.json'),
      AUTH_RATE_LIMIT: '1000',
    });
    app = await createServiceApp(AppModule.forRoot(config), { logger: 'trace', logDestination: { write: (line: string) => void lines.push(line) } });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('never logs a password, client secret or token, through login, refresh, client_credentials, exchange, introspection and revocation', async () => {
    const alice = identities.users.find((u) => u.username === 'alice')!;
    const login = await postJson(`${baseUrl}/auth/login`, { username: 'alice', password: alice.password }, { 'x-request-id': 'login-req-1' });
    expect(login.status).toBe(200);
    expect(login.headers.get('x-request-id')).toBe('login-req-1');
    const wrong = await postJson(`${baseUrl}/auth/login`, { username: 'alice', password: `${alice.password}-wrong` });
    expect(wrong.status).toBe(401);
    const refreshed = await postJson(`${baseUrl}/auth/refresh`, { refresh_token: login.body['refresh_token'] });
    expect(refreshed.status).toBe(200);
    const service = await postForm(`${baseUrl}/oauth/token`, { grant_type: 'client_credentials', audience: 'inventory' }, { authorization: basic('orders-service') });
    const post = await postForm(`${baseUrl}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: 'inventory',
      client_id: 'orders-service',
      client_secret: client('orders-service').client_secret,
    });
    const exchanged = await postForm(
      `${baseUrl}/oauth/token`,
      { grant_type: EXCHANGE, subject_token: refreshed.body['access_token'] as string, subject_token_type: ACCESS, audience: 'inventory' },
      { authorization: basic('orders-service') },
    );
    const badSecret = await postForm(`${baseUrl}/oauth/token`, { grant_type: 'client_credentials', audience: 'inventory' }, { authorization: 'Basic b3JkZXJzLXNlcnZpY2U6bm90LXRoZS1zZWNyZXQ=' });
    const introspected = await postForm(`${baseUrl}/oauth/introspect`, { token: exchanged.body['access_token'] as string }, { authorization: basic('orders-service') });
    const revoked = await postForm(`${baseUrl}/oauth/revoke`, { token: service.body['access_token'] as string }, { authorization: basic('orders-service') });
    expect([service.status, post.status, exchanged.status, badSecret.status, introspected.status, revoked.status]).toEqual([200, 200, 200, 401, 200, 200]);

    const secrets = [
      alice.password,
      client('orders-service').client_secret,
      'b3JkZXJzLXNlcnZpY2U6bm90LXRoZS1zZWNyZXQ=',
      basic('orders-service').slice('Basic '.length),
      ...[login, refreshed].flatMap((r) => [r.body['access_token'], r.body['refresh_token']]),
      ...[service, post, exchanged].map((r) => r.body['access_token']),
    ] as string[];
    const text = lines.join('');
    for (const secret of secrets) {
      expect(typeof secret === 'string' && secret.length > 8).toBe(true);
      expect(text).not.toContain(secret);
    }
    // ...while the logs do tell what happened, request by request.
    const requests = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry['msg'] === 'request completed');
    expect(requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ service: 'auth', reqId: 'login-req-1', method: 'POST', route: '/auth/login', status: 200 }),
        expect.objectContaining({ method: 'POST', route: '/oauth/token', status: 401 }),
      ]),
    );
  });

  it('counts the tokens issued by grant type', async () => {
    const count = (grant: string) => metric(new RegExp(`^auth_tokens_issued_total\\{grant_type="${grant}"\\} (\\d+)$`, 'm'));
    const [cc, password] = [await count('client_credentials'), await count('password')];
    await postForm(`${baseUrl}/oauth/token`, { grant_type: 'client_credentials', audience: 'inventory' }, { authorization: basic('orders-service') });
    await postForm(`${baseUrl}/oauth/token`, { grant_type: 'client_credentials', audience: 'orders', scope: 'nonsense' }, { authorization: basic('orders-service') });
    const alice = identities.users.find((u) => u.username === 'alice')!;
    const login = await postJson(`${baseUrl}/auth/login`, { username: 'alice', password: alice.password });
    await postForm(
      `${baseUrl}/oauth/token`,
      { grant_type: EXCHANGE, subject_token: login.body['access_token'] as string, subject_token_type: ACCESS, audience: 'inventory' },
      { authorization: basic('orders-service') },
    );
    expect(await count('client_credentials')).toBe(cc + 1);
    expect(await count('password')).toBe(password + 1);
    expect(await count(EXCHANGE.replace(/[.:]/g, (c) => `\\${c}`))).toBeGreaterThanOrEqual(1);
    expect(await metric(/^http_requests_total\{method="POST",route="\/oauth\/token",status="200"\} (\d+)$/m)).toBeGreaterThanOrEqual(2);
  });

  it('describes its API at /docs-json: form-encoded OAuth endpoints, JSON sessions, Basic client authentication', async () => {
    const doc = (await (await fetch(`${baseUrl}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; security?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths['/oauth/token']!['post']!.requestBody!.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(Object.keys(doc.paths['/oauth/introspect']!['post']!.requestBody!.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(Object.keys(doc.paths['/oauth/revoke']!['post']!.requestBody!.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(Object.keys(doc.paths['/auth/login']!['post']!.requestBody!.content)).toEqual(['application/json']);
    expect(doc.components.securitySchemes).toMatchObject({ client: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } });
    expect((await fetch(`${baseUrl}/docs`)).status).toBe(200);
  });
});
