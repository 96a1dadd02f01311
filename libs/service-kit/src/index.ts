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
