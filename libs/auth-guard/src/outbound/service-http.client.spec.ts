import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessTokenVerifier } from '../jwt/access-token.verifier';
import { JwksKeySource } from '../jwks/jwks-key.source';
import { TestIssuer } from '../testing';
import { clientOptions } from './outbound.fixture';
import { TargetResponseError, TargetUnreachableError, TokenEndpointError } from './outbound.errors';
import { ServiceClients } from './service-clients';
import { ServiceTokenClient } from './service-token.client';
import { TokenExchangeClient } from './token-exchange.client';

describe('ServiceHttpClient and TokenExchangeClient', () => {
  let issuer: TestIssuer;
  let target: Server;
  let port: number;
  let handler: (req: IncomingMessage, res: ServerResponse, auth: string | undefined) => void;
  let clients: ServiceClients;
  let verifier: AccessTokenVerifier;

  beforeEach(async () => {
    issuer = await TestIssuer.start({ audience: 'orders', clients: { orders: { secret: 'orders-secret', scopes: ['inventory:read'] } } });
    const keys = new JwksKeySource({ jwksUri: issuer.jwksUri, algorithms: ['RS256'], cacheMaxAgeMs: 60_000, refetchCooldownMs: 1000, fetchTimeoutMs: 1000 });
    verifier = new AccessTokenVerifier({ issuer: issuer.issuer, audience: 'inventory', algorithms: ['RS256'], clockToleranceSeconds: 5, maxTokenAgeSeconds: 3600 }, keys);
    handler = (_req, res, auth) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ auth }));
    target = createServer((req, res) => handler(req, res, req.headers.authorization));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    port = (target.address() as AddressInfo).port;
    const options = clientOptions(issuer.tokenUrl, { clientSecret: 'orders-secret' });
    clients = new ServiceClients(new ServiceTokenClient(options), new TokenExchangeClient(options), 1000);
  });
  afterEach(async () => {
    target.closeAllConnections();
    await new Promise((r) => target.close(r));
    await issuer.stop();
  });

  const inventory = () => clients.target({ audience: 'inventory', baseUrl: `http://127.0.0.1:${port}/api` });
  const tokenOf = (body: unknown) => String((body as { auth: string }).auth).replace('Bearer ', '');

  it('asService() attaches a client_credentials token for the target audience', async () => {
    const res = await inventory().asService().post('/stock/reserve', { sku: 'A' });
    expect(res.status).toBe(200);
    const principal = await verifier.verify(tokenOf(res.body));
    expect(principal).toMatchObject({ sub: 'orders', clientId: 'orders', audience: 'inventory' });
    await inventory().asService().get('/stock');
    expect(issuer.tokenRequests).toHaveLength(1);
  });

  it('onBehalfOf(principal) exchanges the user token (RFC 8693 request shape) and caches it', async () => {
    const userToken = await issuer.mint({ sub: 'user-1', client_id: 'web', aud: 'inventory' });
    const user = await verifier.verify(userToken);
    const res = await inventory().onBehalfOf(user).get('/stock');
    expect(issuer.tokenRequests).toEqual([
      {
        clientId: 'orders',
        params: {
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: userToken,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          audience: 'inventory',
        },
      },
    ]);
    const exchanged = await verifier.verify(tokenOf(res.body));
    expect(exchanged).toMatchObject({ sub: 'user-1', clientId: 'orders', actor: { sub: 'orders' } });
    await Promise.all([inventory().onBehalfOf(user).get('/a'), inventory().onBehalfOf(userToken).get('/b')]);
    expect(issuer.tokenRequests).toHaveLength(1);
  });

  it('sends scope in the exchange when the target asks for scopes', async () => {
    const exchange = new TokenExchangeClient(clientOptions(issuer.tokenUrl, { clientSecret: 'orders-secret' }));
    await exchange.exchange(await issuer.mint(), 'inventory', ['inventory:reserve', 'inventory:read']);
    expect(issuer.tokenRequests[0]?.params['scope']).toBe('inventory:read inventory:reserve');
  });

  it('drops the cached token after a 401 from the target and retries once', async () => {
    let calls = 0;
    handler = (_req, res, auth) => {
      calls++;
      if (calls === 2) return void res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ auth }));
    };
    await inventory().asService().get('/one');
    const res = await inventory().asService().get('/two');
    expect(res.status).toBe(200);
    expect(calls).toBe(3);
    expect(issuer.tokenRequests).toHaveLength(2);
  });

  it('does not retry more than once on repeated 401', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      res.writeHead(401).end();
    };
    await expect(inventory().asService().get('/x')).rejects.toMatchObject({ code: 'target_error', status: 401 });
    expect(calls).toBe(2);
  });

  it('reports a 5xx/4xx answer as TargetResponseError with the parsed body', async () => {
    handler = (_req, res) => res.writeHead(409, { 'content-type': 'application/problem+json' }).end('{"title":"out of stock"}');
    const error = await inventory().asService().post('/x', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetResponseError);
    expect(error).toMatchObject({ status: 409, audience: 'inventory', body: { title: 'out of stock' } });
  });

  it('reports an unreachable target as TargetUnreachableError', async () => {
    const down = clients.target({ audience: 'inventory', baseUrl: 'http://127.0.0.1:1' });
    await expect(down.asService().get('/x')).rejects.toBeInstanceOf(TargetUnreachableError);
  });

  it('reports a slow target as a timeout', async () => {
    handler = () => undefined;
    const slow = clients.target({ audience: 'inventory', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 });
    await expect(slow.asService().get('/x')).rejects.toMatchObject({ code: 'target_unreachable', timedOut: true });
  });

  it('reports an unreachable token endpoint distinctly, without calling the target', async () => {
    let calls = 0;
    handler = (_req, res) => void (calls++, res.end());
    await issuer.stop();
    const error = await inventory().asService().get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ code: 'auth_unreachable' });
    expect(calls).toBe(0);
    issuer = await TestIssuer.start();
  });

  it('refuses onBehalfOf() for a principal it did not verify', async () => {
    const fake = { sub: 'x', clientId: 'y', scopes: [], audience: 'inventory', roles: [], tokenId: 'j', expiresAt: 0, claims: {} };
    await expect(inventory().onBehalfOf(fake).get('/x')).rejects.toMatchObject({ code: 'subject_token_unavailable' });
  });
});
