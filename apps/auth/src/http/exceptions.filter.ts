import { type ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { ServiceExceptionsFilter, isDatabaseUnavailable } from '@service-trust/service-kit';
import type { FastifyReply } from 'fastify';
import { OAuthError } from '../oauth/oauth.error';
import { TooManyRequestsError } from '../throttling/rate-limiter';
import { BearerChallengeError } from './bearer-challenge.error';

/**
 * The one place auth's errors become HTTP responses: the services' filter (Nest and Fastify 4xx,
 * a generic 500, no stack trace or internal message), plus what only the issuer has:
 * - {@link OAuthError}: RFC 6749 §5.2 JSON `{error, error_description}` with its headers;
 * - a database that cannot be reached: the same shape, 503 `temporarily_unavailable` with `Retry-After`;
 * - `Retry-After` on 429 and `WWW-Authenticate` on the admin routes' bearer challenges.
 */
@Catch()
export class ExceptionsFilter extends ServiceExceptionsFilter {
  private readonly log = new Logger('Errors');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (isDatabaseUnavailable(exception)) {
      const code = (exception as { code?: unknown }).code;
      this.log.error(`Database unavailable (${typeof code === 'string' ? code : (exception as Error).message})`);
      exception = new OAuthError('temporarily_unavailable', 'The service cannot reach its database; try again shortly.', 503, { 'Retry-After': '5' });
    }
    if (exception instanceof OAuthError) {
      reply.header('Cache-Control', 'no-store').headers(exception.headers).status(exception.status).send({ error: exception.error, error_description: exception.description });
      return;
    }
    if (exception instanceof TooManyRequestsError) reply.header('Retry-After', String(exception.retryAfterSeconds));
    if (exception instanceof BearerChallengeError) reply.header('WWW-Authenticate', exception.challenge);
    super.catch(exception, host);
  }
}
