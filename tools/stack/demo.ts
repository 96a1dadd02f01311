/**
 * `npm run demo`: walks through the running stack (`npm start` in another terminal) and prints
 * each step readably: the decoded tokens (header and claims, never the signature), who called
 * whom and as whom, and what the guard refuses. Exits non-zero when a step does not behave.
 *
 * Environment: AUTH_URL, ORDERS_URL, INVENTORY_URL (defaults: localhost:3000/3001/3002),
 * DEMO_IDENTITIES_FILE (default config/demo-identities.json).
 */
import { readFileSync } from 'node:fs';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { DEMO_SKU } from './walkthrough.ts';

const AUTH = process.env['AUTH_URL'] ?? 'http://localhost:3000';
const ORDERS = process.env['ORDERS_URL'] ?? 'http://localhost:3001';
const INVENTORY = process.env['INVENTORY_URL'] ?? 'http://localhost:3002';
const identities = JSON.parse(readFileSync(process.env['DEMO_IDENTITIES_FILE'] ?? 'config/demo-identities.json', 'utf8')) as {
  users: { username: string; password: string }[];
  clients: { client_id: string; client_secret: string }[];
};

const color = process.stdout.isTTY && !process.env['NO_COLOR'];
const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const out = (text = '') => process.stdout.write(`${text}\n`);
const indent = (value: unknown) => JSON.stringify(value, null, 2).replace(/^/gm, '      ');
let step = 0;
const title = (text: string) => out(`\n${paint(1, `${++step}. ${text}`)}`);
const arrow = (from: string, to: string, as: string) => out(`   ${paint(36, from)} → ${paint(36, to)}  ${paint(2, `as ${as}`)}`);

/** Prints a token's header and claims; the signature is never shown. */
function showToken(label: string, token: string): void {
  out(`   ${label}`);
  out(`     header:\n${indent(decodeProtectedHeader(token))}`);
  out(`     claims:\n${indent(decodeJwt(token))}`);
}

async function call(method: string, url: string, options: { token?: string; json?: unknown; form?: Record<string, string>; basic?: [string, string] } = {}) {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.basic) headers['authorization'] = `Basic ${Buffer.from(options.basic.map(encodeURIComponent).join(':')).toString('base64')}`;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: parsed as Record<string, unknown> };
}

function expectStatus(actual: number, expected: number, what: string): void {
  out(`   ${actual === expected ? paint(32, `✓ ${actual}`) : paint(31, `✗ ${actual} (expected ${expected})`)} ${what}`);
  if (actual !== expected) process.exitCode = 1;
}

async function main(): Promise<void> {
  const user = identities.users.find((u) => u.username === 'alice') ?? identities.users[0];
  const service = identities.clients.find((c) => c.client_id === 'orders-service')!;

  title(`${user.username} logs in at auth`);
  arrow('you', 'auth POST /auth/login', user.username);
  const login = await call('POST', `${AUTH}/auth/login`, { json: { username: user.username, password: user.password } });
  expectStatus(login.status, 200, 'a user token for audience orders, and a refresh token');
  const userToken = login.body['access_token'] as string;
  showToken('access token:', userToken);

  title('orders verifies the token locally (cached JWKS, no call to auth)');
  arrow('you', 'orders GET /whoami', user.username);
  const whoami = await call('GET', `${ORDERS}/whoami`, { token: userToken });
  expectStatus(whoami.status, 200, 'the principal orders sees:');
  out(indent(whoami.body));

  title('orders places the order on your behalf');
  arrow('you', 'orders POST /orders', user.username);
  arrow('orders', 'auth POST /oauth/token (token exchange)', 'orders-service, for your token');
  arrow('orders', 'inventory POST /inventory/reservations', `${user.username}, with act = orders-service`);
  const order = await call('POST', `${ORDERS}/orders`, { token: userToken, json: { sku: DEMO_SKU, quantity: 1 } });
  expectStatus(order.status, 201, 'the order, with its reservation:');
  out(indent(order.body));

  title('What orders got from the exchange (the same RFC 8693 request, made here as orders-service)');
  const exchange = await call('POST', `${AUTH}/oauth/token`, {
    basic: [service.client_id, service.client_secret],
    form: {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: userToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: 'inventory',
    },
  });
  expectStatus(exchange.status, 200, 'a token for inventory: same sub, act names the acting service');
  showToken('exchanged token:', exchange.body['access_token'] as string);

  title('inventory recorded who the stock is for, and which service acted');
  arrow('orders-service', 'auth POST /oauth/token (client_credentials)', 'itself');
  const serviceToken = await call('POST', `${AUTH}/oauth/token`, {
    basic: [service.client_id, service.client_secret],
    form: { grant_type: 'client_credentials', audience: 'inventory', scope: 'inventory:read' },
  });
  expectStatus(serviceToken.status, 200, 'a service token (sub = client_id, no act):');
  showToken('service token:', serviceToken.body['access_token'] as string);
  const reservationId = order.body['reservationId'];
  if (typeof reservationId === 'string') {
    arrow('orders-service', `inventory GET /inventory/reservations/${reservationId}`, 'itself');
    const reservation = await call('GET', `${INVENTORY}/inventory/reservations/${reservationId}`, { token: serviceToken.body['access_token'] as string });
    expectStatus(reservation.status, 200, 'reservedFor = your sub, actor = orders-service:');
    out(indent(reservation.body));
  }

  title('A forged token: same claims and kid, signed with a key auth never published');
  const { privateKey } = await generateKeyPair('RS256');
  const forged = await new SignJWT(decodeJwt(userToken)).setProtectedHeader(decodeProtectedHeader(userToken) as { alg: string }).sign(privateKey);
  const forgedCall = await call('GET', `${ORDERS}/whoami`, { token: forged });
  expectStatus(forgedCall.status, 401, `orders refuses it: ${forgedCall.challenge}`);

  title('The right token at the wrong service: a token for orders sent to inventory');
  const wrongService = await call('GET', `${INVENTORY}/inventory/items`, { token: userToken });
  expectStatus(wrongService.status, 401, `inventory refuses it: ${wrongService.challenge}`);

  out(process.exitCode ? paint(31, '\nSome steps did not behave as expected.') : paint(32, '\nEvery step behaved as expected.'));
}

main().catch((error: unknown) => {
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  process.stderr.write(
    cause === 'ECONNREFUSED'
      ? `The stack is not running (${cause}). Start it with \`npm start\` in another terminal, then run \`npm run demo\`.\n`
      : `demo failed: ${(error as Error).message}\n`,
  );
  process.exit(1);
});
