import { HttpException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import type { AuthGuardError } from './auth-guard.error';

/** The JSON body of every rejection (HTTP response body, RPC error). */
export interface AuthErrorBody {
  /** HTTP status (also given in RPC errors). */
  readonly statusCode: 400 | 401 | 403;
  /** HTTP reason phrase: `Bad Request`, `Unauthorized` or `Forbidden`. */
  readonly error: 'Bad Request' | 'Unauthorized' | 'Forbidden';
  /** Stable machine-readable reason, e.g. `token_expired`. */
  readonly code: AuthGuardError['code'];
  /** Human-readable explanation; never contains the token. */
  readonly message: string;
}

const REASON = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' } as const;

/** The body of a rejection. */
export function authErrorBody(error: AuthGuardError): AuthErrorBody {
  return { statusCode: error.status, error: REASON[error.status], code: error.code, message: error.description };
}

/**
 * The one place where rejections become transport errors. HTTP: an `HttpException` with the
 * body above (the `WWW-Authenticate` header is set on the response by the guard through the
 * HTTP adapter, which works the same on Express and Fastify). RPC: an `RpcException` carrying
 * the same body.
 */
export function toHttpException(error: AuthGuardError): HttpException {
  return new HttpException(authErrorBody(error), error.status, { cause: error });
}

/** See {@link toHttpException}. */
export function toRpcException(error: AuthGuardError): RpcException {
  return new RpcException(authErrorBody(error));
}
