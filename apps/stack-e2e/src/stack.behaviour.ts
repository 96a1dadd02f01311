import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { ROOT, type RunningStack, printedWalkthrough, withoutColor } from './stack';

const JWT = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}/;
const PATH = `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`;

async function call(method: string, url: string, token?: string, json?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { 'content-type': 'application/json' } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '', body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
}

async function form(url: string, client: { client_id: string; client_secret: string }, params: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The behaviour every stack must show, whatever database it runs on. */
export function stackBehaviour(getStack: () => RunningStack): void {
  const stack = () => getStack();
  const user = (name: string) => stack().identities.users.find((u) => u.username === name)!;
  const client = (id: string) => stack().identities.clients.find((c) => c.client_id === id)!;
  const login = async (name: string) =>
    (await call('POST', `${stack().urls.auth}/auth/login`, undefined, { username: name, password: user(name).password })).body['access_token'] as string;

  it('runs the printed walkthrough exactly as printed', () => {
    const commands = printedWalkthrough(stack().output()).filter((line) => !line.startsWith('#'));
    expect(commands).toHaveLength(8);
    const script = ['set -euo pipefail', ...commands.flatMap((command) => [command, 'echo "@@@"'])].join('\n');
    const run = spawnSync('bash', ['-c', script], { cwd: ROOT, env: { ...withoutColor(process.env), PATH }, encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const outputs = run.stdout.split('@@@\n').map((text) => text.trim());
    const parse = (i: number) => JSON.parse(outputs[i]) as unknown;
    expect(outputs[0]).toBe('');
    expect(parse(1)).toMatchObject({ client_id: 'orders-web', aud: 'orders', scope: 'orders:read orders:write' });
    const order = parse(2) as Record<string, unknown>;
    expect(order).toMatchObject({ id: expect.any(String), sku: expect.any(String), quantity: 1, status: 'reserved', reservationId: expect.any(String) });
    expect(parse(3)).toEqual(expect.arrayContaining([expect.objectContaining({ id: order['id'] })]));
    expect(parse(4)).toEqual(expect.arrayContaining([expect.objectContaining({ sku: order['sku'], available: expect.any(Number) })]));
    expect(outputs[5]).toBe('401');
    expect(outputs[6]).toBe('');
    expect(parse(7)).toEqual(expect.arrayContaining([expect.objectContaining({ sku: order['sku'] })]));
  });

  it('npm run demo walks through the stack, decoding tokens but never printing one whole', () => {
    const { urls, identitiesFile } = stack();
    const run = spawnSync(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', 'tools/stack/demo.ts'], {
      cwd: ROOT,
      env: { ...withoutColor(process.env), NODE_OPTIONS: '', AUTH_URL: urls.auth, ORDERS_URL: urls.orders, INVENTORY_URL: urls.inventory, DEMO_IDENTITIES_FILE: identitiesFile },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Every step behaved as expected.');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"act": {');
    expect(run.stdout).not.toMatch(JWT);
  });

  it('keeps audiences apart: a user token for orders is refused by inventory', async () => {
    const token = await login('alice');
    const res = await call('GET', `${stack().urls.inventory}/inventory/items`, token);
    expect(res.status).toBe(401);
    expect(res.challenge).toContain('error="invalid_token"');
  });

  it('denies a user without the scope: bob may read orders but not place one', async () => {
    const token = await login('bob');
    expect((await call('GET', `${stack().urls.orders}/orders`, token)).status).toBe(200);
    const res = await call('POST', `${stack().urls.orders}/orders`, token, { sku: 'SKU-BOOK-001', quantity: 1 });
    expect(res.status).toBe(403);
    expect(res.challenge).toContain('error="insufficient_scope"');
    expect(res.challenge).toContain('scope="orders:write"');
  });

  // For an exchanged token, client_id and act.sub both name the exchanging client, so the caller
  // allow-list refuses it first; inventory's own tests reach the actor rule with hand-made tokens.
  it('lets only orders-service reserve on behalf of a user', async () => {
    const exchanged = await form(`${stack().urls.auth}/oauth/token`, client('reports-service'), {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: await login('alice'),
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: 'inventory',
    });
    expect(exchanged.status).toBe(200);
    const delegated = exchanged.body['access_token'] as string;
    expect(JSON.parse(Buffer.from(delegated.split('.')[1], 'base64url').toString())).toMatchObject({ client_id: 'reports-service', act: { sub: 'reports-service' } });
    const res = await call('POST', `${stack().urls.inventory}/inventory/reservations`, delegated, { sku: 'SKU-BOOK-001', quantity: 1 });
    expect(res.status).toBe(403);
    expect(res.body['code']).toBe('caller_not_allowed');
  });

  it('lets only the allowed caller reserve as itself', async () => {
    const own = await form(`${stack().urls.auth}/oauth/token`, client('reports-service'), { grant_type: 'client_credentials', audience: 'inventory' });
    expect(own.status).toBe(200);
    const token = own.body['access_token'] as string;
    expect((await call('GET', `${stack().urls.inventory}/inventory/items`, token)).status).toBe(200);
    const res = await call('POST', `${stack().urls.inventory}/inventory/reservations`, token, { sku: 'SKU-BOOK-001', quantity: 1 });
    expect(res.status).toBe(403);
    expect(res.body['code']).toBe('caller_not_allowed');
  });

  it('refuses the token exchange to a client that may not exchange', async () => {
    const res = await form(`${stack().urls.auth}/oauth/token`, client('inventory-service'), {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: await login('alice'),
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: 'inventory',
    });
    expect(res.status).toBe(400);
    expect(res.body['error']).toBe('unauthorized_client');
  });
}
