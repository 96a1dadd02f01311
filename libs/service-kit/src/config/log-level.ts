import { ConfigError } from './load-config';
import { LOG_LEVELS, type LogLevel } from '../observability/service-logger';

/**
 * The service's log level from `LOG_LEVEL` (`fatal`, `error`, `warn`, `info`, `debug`, `trace` or
 * `silent`; default `info`). A wrong value stops the service with a {@link ConfigError} naming it.
 */
export function loadLogLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const value = env['LOG_LEVEL']?.trim().toLowerCase();
  if (value === undefined || value === '') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new ConfigError(`Invalid configuration:\n  LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}`);
}
