import { ConflictException, HttpException, Logger, UnprocessableEntityException } from '@nestjs/common';
import { TargetResponseError, TargetUnreachableError, TokenEndpointError } from '@service-trust/auth-guard';

const logger = new Logger('InventoryClient');

/** 503 `auth_unavailable`: no token for inventory could be had (auth down, or refusing). */
export class AuthUnavailableError extends HttpException {
  constructor(reason: string) {
    super({ statusCode: 503, error: 'auth_unavailable', message: `Could not get a token to call inventory (${reason}); try again shortly.` }, 503);
  }
}

/** 503 (unreachable) or 502 (bad answer) `inventory_unavailable`. */
export class InventoryUnavailableError extends HttpException {
  constructor(status: 502 | 503, reason: string) {
    super({ statusCode: status, error: 'inventory_unavailable', message: `inventory ${reason}; try again shortly.` }, status);
  }
}

/**
 * Turns a failed call to inventory into what orders answers its own caller. The whole table is in
 * apps/orders/README.md. Errors that are not outbound failures (bugs) are rethrown as they are.
 */
export function toInventoryFailure(error: unknown): never {
  if (error instanceof TokenEndpointError) {
    // auth_rejected means a misconfigured client or a refused exchange: the caller cannot fix it.
    logger.warn(`Token endpoint: ${error.code}${error.oauthError ? ` (${error.oauthError})` : ''}${error.status ? ` HTTP ${error.status}` : ''}`);
    throw new AuthUnavailableError(error.code);
  }
  if (error instanceof TargetUnreachableError) {
    throw new InventoryUnavailableError(503, error.timedOut ? 'did not answer in time' : 'cannot be reached');
  }
  if (error instanceof TargetResponseError) {
    const body = (typeof error.body === 'object' && error.body !== null ? error.body : {}) as Record<string, unknown>;
    if (error.status === 404 && body['error'] === 'unknown_sku') {
      throw new UnprocessableEntityException({ statusCode: 422, error: 'unknown_sku', message: String(body['message'] ?? 'Unknown sku.'), field: 'sku' });
    }
    if (error.status === 409 && body['error'] === 'insufficient_stock') {
      throw new ConflictException({
        statusCode: 409,
        error: 'insufficient_stock',
        message: String(body['message'] ?? 'Not enough stock.'),
        ...(typeof body['available'] === 'number' ? { available: body['available'] } : {}),
      });
    }
    logger.warn(`inventory answered ${error.status} ${typeof body['error'] === 'string' ? body['error'] : ''}`.trim());
    throw new InventoryUnavailableError(502, `answered ${error.status}`);
  }
  throw error;
}
