import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthGuardHooks } from '../interfaces/auth-guard-hooks.interface';
import { AuthGuardModule } from '../module/auth-guard.module';
import { ServiceClients } from '../outbound/service-clients';
import { TestIssuer } from '../testing';

@Controller()
class ProbeController {
  @Get('me')
  me(): { ok: true } {
    return { ok: true };
  }
}

describe('AuthGuardModule hooks', () => {
  let issuer: TestIssuer;
  let target: Server;
  let targetHeaders: IncomingHttpHeaders[];
  let targetUrl: string;

  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'orders', clients: { orders: { secret: 'orders-secret', scopes: ['inventory:read'] } } });
    targetHeaders = [];
    target = createServer((req, res) => {
      targetHeaders.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    target.closeAllConnections();
    await new Promise((r) => target.close(r));
    await issuer.stop();
  });

  async function start(hooks: AuthGuardHooks, jwksUri = issuer.jwksUri): Promise<{ app: NestFastifyApplication; url: string }> {
    @Module({
      imports: [
        AuthGuardModule.forRoot({
          issuer: issuer.issuer,
          audience: 'orders',
          jwksUri,
          client: { clientId: 'orders', clientSecret: 'orders-secret', tokenUrl: issuer.tokenUrl, retry: { attempts: 1 } },
          hooks,
        }),
      ],
      controllers: [ProbeController],
    })
    class AppModule {}
    const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
  }

  it('reports each rejection with its code and status, and each JWKS fetch with its result', async () => {
    const events: string[] = [];
    const { app, url } = await start({
      onRejection: ({ code, status }) => events.push(`rejected ${code} ${status}`),
      onJwksFetch: (result) => events.push(`jwks ${result}`),
    });
    try {
      expect((await fetch(`${url}/me`)).status).toBe(401);
      expect((await fetch(`${url}/me`, { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
      const token = await issuer.mint({ scope: 'orders:read' });
      expect((await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      // The key set is loaded once, at start-up (in the background) or by the first token.
      expect(events.filter((e) => e.startsWith('rejected'))).toEqual(['rejected missing_token 401', 'rejected malformed_token 401']);
      expect(events.filter((e) => e.startsWith('jwks'))).toEqual(['jwks success']);
    } finally {
      await app.close();
    }
  });

  it('reports a failed JWKS fetch', async () => {
    const results: string[] = [];
    const { app, url } = await start({ onJwksFetch: (result) => results.push(result) }, 'http://127.0.0.1:1/jwks.json');
    try {
      const token = await issuer.mint({ scope: 'orders:read' });
      expect((await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
      expect(results).toContain('failure');
      expect(results).not.toContain('success');
    } finally {
      await app.close();
    }
  });

  it('adds the outbound headers to token-endpoint and target requests, and reports token cache hits and misses', async () => {
    const lookups: string[] = [];
    let requestId = 'req-1';
    const { app } = await start({
      onTokenCacheLookup: ({ kind, result }) => lookups.push(`${kind} ${result}`),
      outboundHeaders: () => ({ 'X-Request-Id': requestId, authorization: 'must not win' }),
    });
    try {
      const inventory = app.get(ServiceClients).target({ audience: 'inventory', baseUrl: targetUrl, scopes: ['inventory:read'] });
      const mark = issuer.tokenRequests.length;
      await inventory.asService().get('/items');
      requestId = 'req-2';
      await inventory.asService().get('/items', { headers: { 'x-request-id': 'per-call' } });
      expect(lookups).toEqual(['service miss', 'service hit']);
      expect(issuer.tokenRequestHeaders.slice(mark).map((h) => h['x-request-id'])).toEqual(['req-1']);
      expect(targetHeaders.slice(-2).map((h) => h['x-request-id'])).toEqual(['req-1', 'per-call']);
      expect(targetHeaders.at(-1)!.authorization).toMatch(/^Bearer ey/);
    } finally {
      await app.close();
    }
  });

  it('never lets a throwing hook fail a request or a call', async () => {
    const boom = () => {
      throw new Error('hook failed');
    };
    const { app, url } = await start({ onRejection: boom, onJwksFetch: boom, onTokenCacheLookup: boom, outboundHeaders: boom });
    try {
      expect((await fetch(`${url}/me`)).status).toBe(401);
      const token = await issuer.mint({ scope: 'orders:read' });
      expect((await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const res = await app.get(ServiceClients).target({ audience: 'inventory', baseUrl: targetUrl }).asService().get('/items');
      expect(res.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
