import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from '@service-trust/service-kit';
import type { FastifyReply } from 'fastify';
import { OAuthError } from '../oauth/oauth.error';
import { TooManyRequestsError } from '../throttling/rate-limiter';
import { BearerChallengeError } from './bearer-challenge.error';

/**
 * The one place errors become HTTP responses:
 * - {@link OAuthError}: RFC 6749 §5.2 JSON with `Cache-Control: no-store`;
 * - Nest's HTTP exceptions (including body-parser errors): their status and message;
 * - a database that cannot be reached: 503 `temporarily_unavailable` with `Retry-After`;
 * - anything else: 500 with a generic body. No stack trace or internal message leaves the process.
 */
@Catch()
export class ExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    reply.header('Cache-Control', 'no-store');
    if (exception instanceof OAuthError) {
      reply.headers(exception.headers).status(exception.status).send({ error: exception.error, error_description: exception.description });
      return;
    }
    if (exception instanceof TooManyRequestsError) {
      reply.header('Retry-After', String(exception.retryAfterSeconds));
    }
    if (exception instanceof BearerChallengeError) {
      reply.header('WWW-Authenticate', exception.challenge);
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      reply.status(exception.getStatus()).send(typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body);
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
      reply.header('Retry-After', '5').status(503).send({ error: 'temporarily_unavailable', error_description: 'The service cannot reach its database; try again shortly.' });
      return;
    }
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message}` : 'Unknown error');
    reply.status(500).send({ statusCode: 500, error: 'server_error', message: 'Internal server error' });
  }
}
