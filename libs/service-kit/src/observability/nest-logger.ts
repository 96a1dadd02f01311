import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { Logger } from 'pino';

/** Nest's start-up chatter (module wiring, route mapping): written at `debug`, not `info`. */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * Nest's `Logger` calls written through the service's pino logger, so every line of a service is
 * JSON: `Logger.log` → `info`, `verbose` → `trace`; the context (`new Logger('Orders')`) becomes the
 * `context` field. Stack traces are written only at `debug` and below.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = contextOf(rest);
    this.write(context && START_UP_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }

  error(message: unknown, ...rest: unknown[]): void {
    const context = rest.length > 1 ? contextOf(rest) : rest.length === 1 && !looksLikeStack(rest[0]) ? contextOf(rest) : undefined;
    const stack = rest.find(looksLikeStack) as string | undefined;
    this.write('error', message, context, stack);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, contextOf(rest));
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, contextOf(rest));
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, contextOf(rest));
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, contextOf(rest));
  }

  /** Levels are chosen by the pino logger's level; Nest's own filter is not used. */
  setLogLevels(_levels: NestLogLevel[]): void {
    // pino's level decides
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, context?: string, stack?: string): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    if (context) fields['context'] = context;
    if (stack && this.logger.isLevelEnabled('debug')) fields['stack'] = stack;
    if (message instanceof Error) {
      fields['err'] = { type: message.name, message: message.message };
      this.logger[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

function contextOf(rest: unknown[]): string | undefined {
  const last = rest.at(-1);
  return typeof last === 'string' ? last : undefined;
}

function looksLikeStack(value: unknown): boolean {
  return typeof value === 'string' && /\n\s+at /.test(value);
}
