/**
 * Runs one benchmarked NestJS app in this process: `GET /bench` behind one guard variant, on one
 * HTTP adapter. Prints `READY <port>` once it listens on 127.0.0.1 (ephemeral port).
 *
 * Environment: BENCH_ADAPTER (fastify | express), BENCH_GUARD (see {@link GuardVariant}),
 * BENCH_ISSUER, BENCH_AUDIENCE, BENCH_JWKS_URI.
 */
import 'reflect-metadata';
import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';

export type GuardVariant = 'open' | 'minimal' | 'project' | 'project-cache' | 'recipe';
export type AdapterName = 'fastify' | 'express';

export interface ServerSettings {
  readonly variant: GuardVariant;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
}

/** Which entry file serves a variant: the reference ones never load the project's code. */
export function serverScript(variant: GuardVariant): string {
  return variant === 'project' || variant === 'project-cache' ? 'servers/project-server.js' : 'servers/reference-server.js';
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

export function serve(moduleFor: (settings: ServerSettings) => DynamicModule): void {
  const run = async () => {
    const adapterName = (process.env['BENCH_ADAPTER'] ?? 'fastify') as AdapterName;
    const settings: ServerSettings = {
      variant: (process.env['BENCH_GUARD'] ?? 'open') as GuardVariant,
      issuer: required('BENCH_ISSUER'),
      audience: required('BENCH_AUDIENCE'),
      jwksUri: required('BENCH_JWKS_URI'),
    };
    const module = moduleFor(settings);
    const app: INestApplication =
      adapterName === 'express'
        ? await NestFactory.create(module, new ExpressAdapter(), { logger: false })
        : await NestFactory.create(module, new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    process.stdout.write(`READY ${port}\n`);
    const stop = () => void app.close().finally(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  };
  run().catch((error: unknown) => {
    process.stderr.write(`bench server failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
