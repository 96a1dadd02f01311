import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { currentRequestContext } from './request-context';

/** The levels `LOG_LEVEL` accepts, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where secrets may sit in a logged object; each is replaced by `[redacted]`. */
const SECRET_FIELDS = ['password', 'client_secret', 'refresh_token', 'subject_token', 'access_token', 'actor_token', 'token'];
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'authorization',
  'cookie',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...SECRET_FIELDS.map((field) => `*.*.${field}`),
];

/** Compact JWS (a token), and the credentials of `Bearer`/`Basic` authorization values. */
const JWT_LIKE = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
const CREDENTIALS = /\b(Bearer|Basic)\s+[\w~+/.=-]+/gi;

/** Replaces what looks like a token or credentials in a log message. */
export function scrubSecrets(text: string): string {
  return text.replace(JWT_LIKE, '[redacted-jwt]').replace(CREDENTIALS, '$1 [redacted]');
}

/** Options of {@link createServiceLogger}. */
export interface ServiceLoggerOptions {
  /** Minimum level written. Default: `info`. */
  level?: LogLevel;
  /** Where JSON lines go. Default: standard output. */
  destination?: DestinationStream;
  /** Fields on every line, e.g. `{ service: 'orders' }`. */
  base?: Record<string, unknown>;
}

/**
 * The one pino logger of a service: one JSON object per line, `time` in ISO 8601, the current
 * request's `reqId` and `traceId` on every line written while serving it, secrets redacted by
 * field ({@link REDACTED_PATHS}) and tokens or credentials scrubbed from messages.
 */
export function createServiceLogger(options: ServiceLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      messageKey: 'msg',
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      mixin: () => {
        const context = currentRequestContext();
        return context ? { reqId: context.requestId, traceId: context.traceId } : {};
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export type { DestinationStream, Level, Logger };
