import { Controller, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RpcException } from '@nestjs/microservices';
import { AllowCallers } from '../decorators/allow-callers.decorator';
import { Public } from '../decorators/public.decorator';
import { RequireScopes } from '../decorators/require-scopes.decorator';
import { AuthGuardModule } from '../module/auth-guard.module';
import { rpcPayload, TestIssuer } from '../testing';
import { principalOf } from './principal.store';
import { JwtAuthGuard } from './jwt-auth.guard';

@Controller()
class StockHandlers {
  @RequireScopes('inventory:reserve')
  @AllowCallers('orders')
  reserve(): string {
    return 'reserved';
  }

  @Public()
  ping(): string {
    return 'pong';
  }
}

describe('JwtAuthGuard in RPC contexts (token in data.headers.authorization)', () => {
  let issuer: TestIssuer;
  let app: INestApplicationContext;
  let guard: JwtAuthGuard;

  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory', alg: 'ES256' });
    @Module({ imports: [AuthGuardModule.forRoot({ issuer: issuer.issuer, audience: 'inventory' })] })
    class RpcModule {}
    app = await NestFactory.createApplicationContext(RpcModule, { logger: false });
    guard = app.get(JwtAuthGuard);
  });
  afterAll(async () => {
    await app.close();
    await issuer.stop();
  });

  function rpcContext(data: unknown, handler: keyof StockHandlers = 'reserve') {
    const rpcCtx = { pattern: 'stock.reserve' };
    const ctx = new ExecutionContextHost([data, rpcCtx], StockHandlers, StockHandlers.prototype[handler]);
    ctx.setType('rpc');
    return ctx;
  }
  async function rpcError(data: unknown): Promise<Record<string, unknown>> {
    try {
      await guard.canActivate(rpcContext(data));
    } catch (error) {
      expect(error).toBeInstanceOf(RpcException);
      return (error as RpcException).getError() as Record<string, unknown>;
    }
    throw new Error('expected a rejection');
  }

  it('accepts a valid token and attaches the principal to the RPC context', async () => {
    const token = await issuer.mint({ client_id: 'orders', scope: 'inventory:reserve' });
    const ctx = rpcContext(rpcPayload(token, { sku: 'A-1' }));
    await expect(Promise.resolve(guard.canActivate(ctx))).resolves.toBe(true);
    expect(principalOf(ctx)).toMatchObject({ clientId: 'orders', scopes: ['inventory:reserve'] });
  });

  it('rejects a message without token with an RpcException (no HTTP exception)', async () => {
    await expect(rpcError({ sku: 'A-1' })).resolves.toEqual({ statusCode: 401, error: 'Unauthorized', code: 'missing_token', message: expect.any(String) });
  });

  it('rejects an invalid token with its code', async () => {
    const token = await issuer.mint({ exp: Math.floor(Date.now() / 1000) - 100, iat: Math.floor(Date.now() / 1000) - 400 });
    await expect(rpcError(rpcPayload(token, {}))).resolves.toMatchObject({ statusCode: 401, code: 'token_expired' });
  });

  it('rejects a malformed authorization value', async () => {
    await expect(rpcError({ headers: { authorization: 'Bearer a b' } })).resolves.toMatchObject({ statusCode: 400, code: 'invalid_request' });
    await expect(rpcError({ headers: { authorization: 42 } })).resolves.toMatchObject({ statusCode: 400, code: 'invalid_request' });
  });

  it('applies scopes and callers', async () => {
    const wrongCaller = await issuer.mint({ client_id: 'billing', scope: 'inventory:reserve' });
    await expect(rpcError(rpcPayload(wrongCaller, {}))).resolves.toMatchObject({ statusCode: 403, code: 'caller_not_allowed' });
    const noScope = await issuer.mint({ client_id: 'orders' });
    await expect(rpcError(rpcPayload(noScope, {}))).resolves.toMatchObject({ statusCode: 403, code: 'insufficient_scope' });
  });

  it('lets public handlers through without a token', async () => {
    expect(guard.canActivate(rpcContext({}, 'ping'))).toBe(true);
  });
});
