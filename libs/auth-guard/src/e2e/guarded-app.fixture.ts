import { BadRequestException, Body, Controller, Get, Injectable, Module, Post, type INestApplication, type PipeTransform } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AllowActors } from '../decorators/allow-actors.decorator';
import { AllowCallers } from '../decorators/allow-callers.decorator';
import { Principal } from '../decorators/principal.decorator';
import { Public } from '../decorators/public.decorator';
import { RequireScopes } from '../decorators/require-scopes.decorator';
import type { AuthGuardModuleOptions } from '../interfaces/auth-guard-module-options.interface';
import { AuthGuardModule } from '../module/auth-guard.module';

/** What ran during a request: handlers and pipes append their names. */
export const calls: string[] = [];

@Injectable()
class StrictBodyPipe implements PipeTransform {
  transform(value: unknown): unknown {
    calls.push('pipe');
    if (typeof value !== 'object' || value === null || typeof (value as { sku?: unknown }).sku !== 'string') {
      throw new BadRequestException('sku is required');
    }
    return value;
  }
}

@Controller()
class ProbeController {
  @Public()
  @Get('public')
  open(): { ok: true } {
    calls.push('public');
    return { ok: true };
  }

  @Get('me')
  me(@Principal() principal: Principal): Principal {
    calls.push('me');
    return principal;
  }

  @Post('items')
  create(@Body(StrictBodyPipe) body: { sku: string }): { sku: string } {
    calls.push('items');
    return body;
  }

  @Get('scoped')
  @RequireScopes('inventory:read', 'inventory:reserve')
  scoped(): { ok: true } {
    calls.push('scoped');
    return { ok: true };
  }

  @Get('callers')
  @AllowCallers('orders')
  callers(): { ok: true } {
    calls.push('callers');
    return { ok: true };
  }

  @Get('actors')
  @AllowActors('orders')
  actors(@Principal() principal: Principal): Principal {
    calls.push('actors');
    return principal;
  }
}

export type AdapterName = 'express' | 'fastify';

export interface GuardedApp {
  readonly app: INestApplication;
  readonly port: number;
  close(): Promise<void>;
}

/** A real Nest application using the guard, listening on an ephemeral port. */
export async function startGuardedApp(adapter: AdapterName, options: AuthGuardModuleOptions): Promise<GuardedApp> {
  @Module({ imports: [AuthGuardModule.forRoot(options)], controllers: [ProbeController] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, port, close: () => app.close() };
}

export interface ProbeResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

/** A raw HTTP request (node:http, so repeated or odd headers are sent as given). */
export function probe(port: number, path: string, headers: OutgoingHttpHeaders = {}, method = 'GET', body?: unknown): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: payload ? { ...headers, 'content-type': 'application/json' } : headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
