import { type DynamicModule, Logger, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { type ServiceIdentity, SERVICE_IDENTITY } from '../observability/observability.module';
import { NestPinoLogger } from '../observability/nest-logger';
import { observeRequests } from '../observability/request-observability';
import { createServiceLogger, type DestinationStream, type LogLevel } from '../observability/service-logger';
import { ServiceMetrics } from '../observability/service-metrics';
import { requestIdFrom } from '../observability/trace-context';
import { setupOpenApi } from '../openapi/setup-openapi';

/** How a service is started; see {@link createServiceApp}. */
export interface ServiceAppOptions {
  /** Largest request body accepted, in bytes. Default 64 KiB: the stack's bodies are small. */
  bodyLimit?: number;
  /**
   * `false` silences the service (tests). Otherwise its log level: `LOG_LEVEL` read with
   * `loadLogLevel()`. Default: `info`. (Nest's level lists are still accepted: a list means `info`.)
   */
  logger?: false | LogLevel | ('log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal')[];
  /** Where the JSON log lines go. Default: standard output (tests pass a capturing stream). */
  logDestination?: DestinationStream;
}

/** The metrics route; public like `/docs`: a plain Fastify route, outside Nest's guards. */
export const METRICS_PATH = '/metrics';

/**
 * Creates a service on the Fastify adapter (the faster of Nest's two HTTP adapters), with
 * shutdown hooks so SIGTERM drains requests and closes the database before the process exits.
 * `trustProxy` stays off: the client address is the socket's, which a caller cannot forge with
 * `X-Forwarded-For`.
 *
 * Every service also gets, from here:
 * - JSON logs (pino): one line per request and Nest's own logs, secrets redacted;
 * - a request id (a valid incoming `x-request-id`, else a new one) echoed in the response, and a
 *   W3C trace context, both carried to outbound calls (see `authGuardHooks`);
 * - `GET /metrics` (Prometheus) from the `ServiceMetrics` of `ObservabilityModule` (or its own);
 * - `GET /docs` (Swagger UI) and `GET /docs-json` (OpenAPI), titled from the `ObservabilityModule`.
 */
export async function createServiceApp(module: Type<unknown> | DynamicModule, options: ServiceAppOptions = {}): Promise<NestFastifyApplication> {
  const level = options.logger === false ? 'silent' : typeof options.logger === 'string' ? options.logger : 'info';
  const logger = createServiceLogger({ level, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    trustProxy: false,
    loggerInstance: logger,
    // Fastify's own two lines per request are replaced by one (observeRequests).
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => requestIdFrom(request.headers['x-request-id']),
    // Request logs get reqId/traceId from the request context; no per-request child bindings.
    childLoggerFactory: (parent: FastifyBaseLogger) => parent,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new NestPinoLogger(logger),
    // Throw start-up errors to the caller (which prints a clean message) instead of exiting here.
    abortOnError: false,
  });
  const identity = optional<ServiceIdentity>(app, SERVICE_IDENTITY);
  if (identity) logger.setBindings({ service: identity.service });
  const metrics = optional<ServiceMetrics>(app, ServiceMetrics) ?? new ServiceMetrics();

  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  observeRequests(fastify, logger, metrics);
  fastify.get(METRICS_PATH, async (_request, reply) => {
    reply.header('content-type', metrics.contentType).header('cache-control', 'no-store');
    return metrics.text();
  });
  setupOpenApi(app, identity ?? { service: 'service' });

  app.enableShutdownHooks();
  closeConnectionsOnShutdown(adapter);
  return app;
}

/** A provider of the application, or `undefined` when no module provides it. */
function optional<T>(app: INestApplication, token: symbol | Type<T>): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
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
