import type { RunningStack } from './stack';

const TRACE_ID = '5c0f4e0a9f1b4c7d8e2a3b4c5d6e7f80';

/** The JSON log lines a service printed, from the launcher's `<service> | <line>` output. */
function serviceLogs(output: string, service: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(`${service.padEnd(9)} | {`))
    .map((line) => JSON.parse(line.slice(line.indexOf('|') + 2)) as Record<string, unknown>);
}

/**
 * The three services as processes: one request id and one trace across them, and no secret in
 * any log. Runs against a stack another spec started, so no second stack is needed.
 */
export function stackObservability(getStack: () => RunningStack): void {
  it('follows one order from orders through auth (token exchange) to inventory, and logs no password, secret or token', async () => {
    const stack = getStack();
    const alice = stack.identities.users.find((u) => u.username === 'alice')!;
    const login = await fetch(`${stack.urls.auth}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: alice.password }),
    });
    const session = (await login.json()) as { access_token: string; refresh_token: string };
    const order = await fetch(`${stack.urls.orders}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${session.access_token}`,
        'content-type': 'application/json',
        'x-request-id': 'e2e-order-1',
        traceparent: `00-${TRACE_ID}-1111111111111111-01`,
      },
      body: JSON.stringify({ sku: 'SKU-MUG-002', quantity: 1 }),
    });
    expect(order.status).toBe(201);
    expect(order.headers.get('x-request-id')).toBe('e2e-order-1');

    // The request lines are written when each response is sent: wait for inventory's and auth's.
    const deadline = Date.now() + 5_000;
    const lineOf = (service: string) => serviceLogs(stack.output(), service).find((entry) => entry['reqId'] === 'e2e-order-1' && entry['msg'] === 'request completed');
    while (!(lineOf('orders') && lineOf('auth') && lineOf('inventory')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(lineOf('orders')).toMatchObject({ service: 'orders', method: 'POST', route: '/orders', status: 201, traceId: TRACE_ID });
    expect(lineOf('auth')).toMatchObject({ service: 'auth', method: 'POST', route: '/oauth/token', status: 200, traceId: TRACE_ID });
    expect(lineOf('inventory')).toMatchObject({ service: 'inventory', method: 'POST', route: '/inventory/reservations', status: 201, traceId: TRACE_ID });

    const logged = ['auth', 'orders', 'inventory'].flatMap((service) => serviceLogs(stack.output(), service).map((entry) => JSON.stringify(entry))).join('\n');
    const secrets = [alice.password, session.access_token, session.refresh_token, ...stack.identities.clients.map((c) => c.client_secret)];
    for (const secret of secrets) expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(/eyJ[\w-]{5,}\.[\w-]{5,}\./);
  });
}
