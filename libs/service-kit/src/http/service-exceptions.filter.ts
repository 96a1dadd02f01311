import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** Error codes of node-postgres / PostgreSQL that mean "the database cannot be reached now". */
const DATABASE_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P03', '08006', '08001']);

/**
 * What node-postgres throws, without a `code`, when the connection is lost mid-session or cannot
 * be opened in time (a partition, a proxy or server that went away): the database is down too.
 */
const DATABASE_DOWN_MESSAGES = [
  /^Connection terminated unexpectedly$/,
  /^Connection terminated due to connection timeout$/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
];

/** True when `error` says the database cannot be reached now (connection refused, reset, timed out or lost): a 503, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && DATABASE_DOWN.has(code)) return true;
  return typeof message === 'string' && DATABASE_DOWN_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * The one place a business service's errors become HTTP responses (register it as `APP_FILTER`):
 * - Nest's HTTP exceptions, including the guard's 400/401/403 (whose `WWW-Authenticate` header the
 *   guard has already set): their status and body;
 * - Fastify's own 4xx (malformed JSON, wrong media type, body too large): that status with
 *   `{statusCode, error: "invalid_request", message}`;
 * - a database that cannot be reached: 503 `temporarily_unavailable` with `Retry-After`;
 * - anything else: 500 with a generic body. No stack trace or internal message leaves the process.
 */
@Catch()
export class ServiceExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    reply.header('Cache-Control', 'no-store');
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      reply.status(status).send(typeof body === 'string' ? { statusCode: status, message: body } : body);
      return;
    }
    const fastifyStatus = (exception as { statusCode?: unknown }).statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      reply.status(fastifyStatus).send({ statusCode: fastifyStatus, error: 'invalid_request', message: (exception as Error).message });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      const code = (exception as { code?: unknown }).code;
      this.logger.error(`Database unavailable (${typeof code === 'string' ? code : (exception as Error).message})`);
      reply
        .header('Retry-After', '5')
        .status(503)
        .send({ statusCode: 503, error: 'temporarily_unavailable', message: 'The service cannot reach its database; try again shortly.' });
      return;
    }
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message}` : 'Unknown error');
    reply.status(500).send({ statusCode: 500, error: 'server_error', message: 'Internal server error' });
  }
}
