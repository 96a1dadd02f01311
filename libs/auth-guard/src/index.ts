// Module and options
export { AuthGuardModule } from './module/auth-guard.module';
export { AUTH_GUARD_HOOKS, AUTH_GUARD_OPTIONS } from './module/auth-guard.constants';
export {
  AuthGuardOptionsError,
  resolveAuthGuardOptions,
  type ResolvedAuthGuardOptions,
  type ResolvedServiceClientOptions,
} from './module/auth-guard-options.schema';
export type {
  AsymmetricAlgorithm,
  AuthGuardModuleExtras,
  AuthGuardModuleOptions,
  TokenCacheOptions,
} from './interfaces/auth-guard-module-options.interface';
export type { RetryOptions, ServiceClientOptions } from './interfaces/service-client-options.interface';
export type { AuthGuardHooks, JwksFetchResult, OutboundTokenKind } from './interfaces/auth-guard-hooks.interface';

// Inbound: guard, decorators, principal
export { JwtAuthGuard } from './guards/jwt-auth.guard';
export { Public, IS_PUBLIC_KEY } from './decorators/public.decorator';
export { RequireScopes, REQUIRED_SCOPES_KEY } from './decorators/require-scopes.decorator';
export { AllowCallers, ALLOWED_CALLERS_KEY } from './decorators/allow-callers.decorator';
export { AllowActors, ALLOWED_ACTORS_KEY } from './decorators/allow-actors.decorator';
export { Principal } from './decorators/principal.decorator';
export type { Actor } from './interfaces/principal.interface';

// Inbound: verification building blocks
export { AccessTokenVerifier, type AccessTokenVerifierOptions } from './jwt/access-token.verifier';
export { JwksKeySource, type JwksKeySourceOptions } from './jwks/jwks-key.source';
export { AuthGuardJwtStrategy } from './passport/jwt-passport.strategy';
export { extractBearerToken, type BearerRequest } from './transport/bearer-token.extractor';
export { MAX_TOKEN_LENGTH } from './jwt/compact-jws.parser';
export { SUPPORTED_ALGORITHMS } from './jwt/jws-algorithms';

// Errors
export {
  AuthGuardError,
  ForbiddenCallerError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  type AuthErrorCode,
  type BearerErrorCode,
} from './errors/auth-guard.error';
export { authErrorBody, type AuthErrorBody } from './errors/auth-error.mapper';

// Outbound
export { ServiceTokenClient } from './outbound/service-token.client';
export { TokenExchangeClient } from './outbound/token-exchange.client';
export { ServiceClients } from './outbound/service-clients';
export {
  ServiceHttpClient,
  type ServiceRequester,
  type ServiceRequestOptions,
  type ServiceResponse,
  type ServiceTarget,
} from './outbound/service-http.client';
export type { OutboundRuntime, TokenResponse } from './outbound/token-endpoint.client';
export {
  OutboundError,
  OutboundNotConfiguredError,
  SubjectTokenUnavailableError,
  TargetResponseError,
  TargetUnreachableError,
  TokenEndpointError,
  type OutboundErrorCode,
} from './outbound/outbound.errors';
