import { type DynamicModule, Logger, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/** How a service is started; see {@link createServiceApp}. */
export interface ServiceAppOptions {
  /** Largest request body accepted, in bytes. Default 64 KiB: the stack's bodies are small. */
  bodyLimit?: number;
  /** Nest's logger levels; `false` silences Nest (tests). */
  logger?: false | ('log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal')[];
}

/**
 * Creates a service on the Fastify adapter (the faster of Nest's two HTTP adapters), with
 * shutdown hooks so SIGTERM drains requests and closes the database before the process exits.
 * `trustProxy` stays off: the client address is the socket's, which a caller cannot forge with
 * `X-Forwarded-For`.
 */
export async function createServiceApp(module: Type<unknown> | DynamicModule, options: ServiceAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? 64 * 1024, trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: options.logger ?? ['log', 'error', 'warn', 'fatal'],
    // Throw start-up errors to the caller (which prints a clean message) instead of exiting here.
    abortOnError: false,
  });
  app.enableShutdownHooks();
  closeConnectionsOnShutdown(adapter);
  return app;
}

/**
 * Once shutdown starts, every response still being written says `Connection: close`, so a
 * client's keep-alive socket does not hold the draining server open until it times out.
 */
function closeConnectionsOnShutdown(adapter: FastifyAdapter): void {
  const fastify = adapter.getInstance();
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}

/** Listens on every interface at `port` and logs where the service is reachable. */
export async function listen(app: INestApplication, name: string, port: number): Promise<void> {
  await app.listen(port, '0.0.0.0');
  new Logger(name).log(`${name} listening on port ${port}`);
}
