import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestIssuer } from '../testing';
import { clientOptions } from './outbound.fixture';
import { TokenEndpointError } from './outbound.errors';
import { ServiceTokenClient } from './service-token.client';

const SECRET = 's3cr3t:with%special chars';

describe('ServiceTokenClient', () => {
  let issuer: TestIssuer;
  beforeEach(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory', ttlSeconds: 300, clients: { orders: { secret: SECRET, scopes: ['inventory:read'] } } });
  });
  afterEach(async () => {
    await issuer.stop();
  });

  it('sends client_credentials with client_secret_basic (form-encoded id and secret) and the audience', async () => {
    const client = new ServiceTokenClient(clientOptions(issuer.tokenUrl));
    const token = await client.getToken('inventory', ['inventory:read']);
    expect(token.split('.')).toHaveLength(3);
    expect(issuer.tokenRequests).toEqual([{ clientId: 'orders', params: { grant_type: 'client_credentials', audience: 'inventory', scope: 'inventory:read' } }]);
  });

  it('makes one token request for any number of concurrent callers (single flight)', async () => {
    const client = new ServiceTokenClient(clientOptions(issuer.tokenUrl));
    const tokens = await Promise.all(Array.from({ length: 100 }, () => client.getToken('inventory')));
    expect(new Set(tokens).size).toBe(1);
    expect(issuer.tokenRequests).toHaveLength(1);
    await Promise.all([client.getToken('orders-api'), client.getToken('orders-api')]);
    expect(issuer.tokenRequests).toHaveLength(2);
  });

  it('reuses the token until shortly before expiry, then renews it', async () => {
    let now = 1_000_000;
    const client = new ServiceTokenClient(clientOptions(issuer.tokenUrl), { now: () => now });
    const first = await client.getToken('inventory');
    now += 269_000; // 300 s lifetime, renewed 30 s before expiry
    expect(await client.getToken('inventory')).toBe(first);
    expect(issuer.tokenRequests).toHaveLength(1);
    now += 2_000;
    await client.getToken('inventory');
    expect(issuer.tokenRequests).toHaveLength(2);
  });

  it('renews at 10 % of the lifetime for short-lived tokens', async () => {
    await issuer.stop();
    issuer = await TestIssuer.start({ ttlSeconds: 60, clients: { orders: { secret: SECRET } } });
    let now = 0;
    const client = new ServiceTokenClient(clientOptions(issuer.tokenUrl), { now: () => now });
    await client.getToken('inventory');
    now = 53_000;
    await client.getToken('inventory');
    expect(issuer.tokenRequests).toHaveLength(1);
    now = 54_500;
    await client.getToken('inventory');
    expect(issuer.tokenRequests).toHaveLength(2);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    const delays: number[] = [];
    issuer.failTokenRequests(2, 503);
    const client = new ServiceTokenClient(clientOptions(issuer.tokenUrl, { retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 } }), {
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.5,
    });
    await expect(client.getToken('inventory')).resolves.toEqual(expect.any(String));
    expect(issuer.tokenRequests).toHaveLength(3);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up after the bounded attempts with auth_unreachable', async () => {
    issuer.failTokenRequests(10, 502);
    const client = new ServiceTokenClient(clientOptions(issuer.tokenUrl));
    await expect(client.getToken('inventory')).rejects.toMatchObject({ code: 'auth_unreachable', status: 502 });
    expect(issuer.tokenRequests).toHaveLength(3);
  });

  it('does not retry a 401 and reports the OAuth error without the secret', async () => {
    const client = new ServiceTokenClient(clientOptions(issuer.tokenUrl, { clientSecret: 'wrong-secret-value' }));
    const error = await client.getToken('inventory').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ code: 'auth_rejected', status: 401, oauthError: 'invalid_client' });
    expect(issuer.tokenRequests).toHaveLength(1);
    const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
    expect(text).not.toContain('wrong-secret-value');
  });

  it('does not retry a 400', async () => {
    const client = new ServiceTokenClient(clientOptions(issuer.tokenUrl));
    await expect(client.getToken('')).rejects.toMatchObject({ code: 'auth_rejected', status: 400, oauthError: 'invalid_request' });
    expect(issuer.tokenRequests).toHaveLength(1);
  });

  describe('network failures', () => {
    let server: Server;
    let hits = 0;
    beforeEach(async () => {
      hits = 0;
      server = createServer((req, res) => {
        hits++;
        if (hits < 3) {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 300 }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('retries network errors, then succeeds', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
      const client = new ServiceTokenClient(clientOptions(url));
      await expect(client.getToken('inventory')).resolves.toBe('tok');
      expect(hits).toBe(3);
    });

    it('reports an unreachable endpoint as auth_unreachable without the secret', async () => {
      const client = new ServiceTokenClient(clientOptions('http://127.0.0.1:1/oauth/token'));
      const error = (await client.getToken('inventory').catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ code: 'auth_unreachable' });
      expect(`${error.message} ${error.stack}`).not.toContain('s3cr3t');
    });
  });

  it('rejects with outbound_not_configured without client options', async () => {
    await expect(new ServiceTokenClient(undefined).getToken('inventory')).rejects.toMatchObject({ code: 'outbound_not_configured' });
  });
});
