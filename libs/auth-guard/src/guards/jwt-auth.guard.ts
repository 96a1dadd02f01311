import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { toHttpException, toRpcException } from '../errors/auth-error.mapper';
import { AuthGuardError, InvalidRequestError, InvalidTokenError } from '../errors/auth-guard.error';
import { callHook } from '../hooks/call-hook';
import type { AuthGuardHooks } from '../interfaces/auth-guard-hooks.interface';
import type { Principal } from '../interfaces/principal.interface';
import { AUTH_GUARD_HOOKS, AUTH_GUARD_OPTIONS } from '../module/auth-guard.constants';
import type { ResolvedAuthGuardOptions } from '../module/auth-guard-options.schema';
import { AuthGuardJwtStrategy } from '../passport/jwt-passport.strategy';
import { extractBearerTokenUnchecked, isB64Token, malformedBearerHeader, parseAuthorizationHeader, type BearerRequest } from '../transport/bearer-token.extractor';
import { enforcePolicy, RoutePolicies, type RoutePolicy } from './access-policy';
import { attachPrincipal } from './principal.store';

/**
 * Deny-by-default authentication and authorization of every route. `AuthGuardModule` registers
 * it as `APP_GUARD`; a route opts out with `@Public()`.
 *
 * For each request: the bearer token is taken from the `Authorization` header (HTTP) or from
 * `data.headers.authorization` of the message (RPC), verified by the passport-jwt strategy
 * (JWKS key, signature, claims), then the route's `@AllowCallers`, `@AllowActors` and
 * `@RequireScopes` are applied. Guards run before pipes and interceptors, so a rejected request
 * never reaches body validation or the handler.
 *
 * Rejections: HTTP 400/401/403 with a `WWW-Authenticate: Bearer ...` challenge (RFC 6750 §3)
 * and a `{ statusCode, error, code, message }` body; on RPC an `RpcException` with that body.
 *
 * @example
 * ```ts
 * @Controller('stock')
 * export class StockController {
 *   @Public() @Get('health') health() { return 'ok'; }
 *
 *   @Post('reserve')
 *   @RequireScopes('inventory:reserve')
 *   @AllowCallers('orders')
 *   reserve(@Principal() principal: Principal, @Body() body: ReserveDto) { ... }
 * }
 * ```
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly policies: RoutePolicies;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(AuthGuardJwtStrategy) private readonly strategy: AuthGuardJwtStrategy,
    @Inject(AUTH_GUARD_OPTIONS) private readonly options: ResolvedAuthGuardOptions,
    @Optional() @Inject(HttpAdapterHost) private readonly adapterHost?: HttpAdapterHost,
    @Optional() @Inject(AUTH_GUARD_HOOKS) private readonly hooks?: AuthGuardHooks,
  ) {
    this.policies = new RoutePolicies(reflector);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.policies.of(context);
    if (policy.isPublic) return true;
    let token: string | undefined;
    try {
      // getArgByIndex(0) is what switchToHttp().getRequest() returns, without the three closures
      // switchToHttp() assigns to the context on every call. The token's characters are checked
      // only if it fails verification (see failure()).
      token = context.getType() === 'http' ? extractBearerTokenUnchecked(context.getArgByIndex<BearerRequest>(0)) : rpcToken(context);
      const principal = this.strategy.authenticateToken(token);
      // Synchronous when the signing key is already known (every request but the first ones).
      if (principal instanceof Promise) {
        const attempted = token;
        return principal
          .then((verified) => this.admit(verified, policy, context))
          .catch((error: unknown) => {
            throw this.failure(error, context, attempted);
          });
      }
      return this.admit(principal, policy, context);
    } catch (error) {
      throw this.failure(error, context, token);
    }
  }

  /** Applies the route's policy (throws an {@link AuthGuardError}) and attaches the principal. */
  private admit(principal: Principal, policy: RoutePolicy, context: ExecutionContext): true {
    enforcePolicy(principal, policy);
    attachPrincipal(context, principal);
    return true;
  }

  /**
   * The rejection to throw for `error`: guard errors become 400/401/403 (or RPC errors). A token
   * that failed verification and is not even a b64token gets the extractor's 400 instead, as if
   * its characters had been checked first (they are not on the way to a success: a token that
   * verifies is always a b64token).
   */
  private failure(error: unknown, context: ExecutionContext, token: string | undefined): unknown {
    if (!(error instanceof AuthGuardError)) return error;
    const refusal = error instanceof InvalidTokenError && token !== undefined && !isB64Token(token) ? malformedBearerHeader() : error;
    return this.reject(refusal, context);
  }

  private reject(error: AuthGuardError, context: ExecutionContext): Error {
    callHook(() => this.hooks?.onRejection?.({ code: error.code, status: error.status }));
    if (context.getType() !== 'http') return toRpcException(error);
    const response = context.switchToHttp().getResponse<object>();
    const challenge = error.wwwAuthenticate(this.options.realm);
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter) adapter.setHeader(response, 'WWW-Authenticate', challenge);
    else setHeaderDirectly(response, challenge);
    return toHttpException(error);
  }
}

/**
 * The RPC convention: the message payload carries `headers.authorization` (`Bearer <token>`),
 * e.g. `client.send('reserve', { headers: { authorization: `Bearer ${token}` }, ...data })`.
 */
function rpcToken(context: ExecutionContext): string {
  const data: unknown = context.getArgByIndex(0); // switchToRpc().getData()
  const headers = typeof data === 'object' && data !== null ? (data as { headers?: unknown }).headers : undefined;
  const authorization = typeof headers === 'object' && headers !== null ? (headers as { authorization?: unknown }).authorization : undefined;
  if (authorization !== undefined && typeof authorization !== 'string') {
    throw new InvalidRequestError('The message headers.authorization must be a string');
  }
  return parseAuthorizationHeader(authorization);
}

function setHeaderDirectly(response: object, value: string): void {
  const r = response as { header?: (n: string, v: string) => void; setHeader?: (n: string, v: string) => void };
  if (typeof r.header === 'function') r.header('WWW-Authenticate', value);
  else r.setHeader?.('WWW-Authenticate', value);
}
