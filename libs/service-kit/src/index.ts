export { readSecret } from './config/read-secret';
export { loadConfig, ConfigError } from './config/load-config';
export { Database } from './database/database';
export { migrate, type Migration } from './database/migrate';
export { DatabaseModule, type DatabaseModuleOptions } from './database/database.module';
export { createServiceApp, listen, type ServiceAppOptions } from './bootstrap/bootstrap-service';
export {
  businessServiceEnvironment,
  toBusinessServiceConfig,
  BUSINESS_SERVICE_SECRETS,
  type BusinessServiceConfig,
} from './config/business-service.config';
export { parseBody, invalidRequest } from './http/parse-body';
export { ServiceExceptionsFilter, isDatabaseUnavailable } from './http/service-exceptions.filter';
export { ServiceHealthController, type ReadinessChecks, type Readiness } from './http/health.controller';
export { loadLogLevel } from './config/log-level';
export { METRICS_PATH } from './bootstrap/bootstrap-service';
export { ObservabilityModule, SERVICE_IDENTITY, type ServiceIdentity } from './observability/observability.module';
export { ServiceMetrics } from './observability/service-metrics';
export { authGuardHooks } from './observability/auth-guard-hooks';
export { currentRequestContext, runWithRequestContext, type RequestContext } from './observability/request-context';
export { outboundRequestHeaders, parseTraceparent, requestIdFrom } from './observability/trace-context';
export { createServiceLogger, scrubSecrets, LOG_LEVELS, REDACTED_PATHS, type LogLevel, type ServiceLoggerOptions } from './observability/service-logger';
export { NestPinoLogger } from './observability/nest-logger';
export { DOCS_PATH, DOCS_JSON_PATH, setupOpenApi } from './openapi/setup-openapi';
export {
  ApiBearerProtected,
  ApiErrorResponse,
  BEARER_AUTH,
  CLIENT_BASIC_AUTH,
  ERROR_BODY_SCHEMA,
  GUARD_ERROR_SCHEMA,
  openApiSchemaOf,
} from './openapi/openapi.decorators';
