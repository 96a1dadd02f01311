import { z } from 'zod';

const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * The environment every business service (orders, inventory) reads, as a zod object whose keys
 * are variable names (extend it with a service's own variables). Use with `loadConfig(...,
 * { secrets: BUSINESS_SERVICE_SECRETS })` and turn the result into a
 * {@link BusinessServiceConfig} with {@link toBusinessServiceConfig}.
 *
 * | variable | default |
 * |---|---|
 * | `NODE_ENV` | `development` |
 * | `PORT` | `defaultPort` |
 * | `DATABASE_URL` (secret) | required |
 * | `AUTH_ISSUER` | `http://localhost:3000` |
 * | `AUTH_JWKS_URI` | `<AUTH_ISSUER>/.well-known/jwks.json` |
 * | `AUTH_TOKEN_URL` | `<AUTH_ISSUER>/oauth/token` |
 * | `SERVICE_CLIENT_ID`, `SERVICE_CLIENT_SECRET` (secret) | required |
 * | `AUTH_JWKS_CACHE_MAX_AGE_SECONDS` | the guard's default (300): how long fetched keys are trusted before a refresh; bounds how fast an emergency key revocation reaches this service |
 * | `AUTH_JWKS_REFETCH_COOLDOWN_SECONDS` | the guard's default (30): least time between two JWKS fetches |
 */
export function businessServiceEnvironment(defaultPort: number) {
  return z.object({
    NODE_ENV: z.string().default('development'),
    PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(defaultPort),
    DATABASE_URL: z
      .string({ error: 'is required: a PostgreSQL URL (npm start provides the embedded database)' })
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
    AUTH_ISSUER: httpUrl().default('http://localhost:3000'),
    AUTH_JWKS_URI: httpUrl().optional(),
    AUTH_TOKEN_URL: httpUrl().optional(),
    SERVICE_CLIENT_ID: z.string({ error: "is required: this service's client_id at the auth service" }).min(1),
    SERVICE_CLIENT_SECRET: z.string({ error: "is required: this service's client secret (or SERVICE_CLIENT_SECRET_FILE)" }).min(1),
    AUTH_JWKS_CACHE_MAX_AGE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(1).max(86_400).optional(),
    AUTH_JWKS_REFETCH_COOLDOWN_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(1).max(3600).optional(),
  });
}

/** Variables of {@link businessServiceEnvironment} that may be given as `NAME_FILE`. */
export const BUSINESS_SERVICE_SECRETS: readonly string[] = ['DATABASE_URL', 'SERVICE_CLIENT_SECRET'];

/** The typed settings a business service is built from. */
export interface BusinessServiceConfig {
  readonly production: boolean;
  readonly port: number;
  readonly databaseUrl: string;
  readonly auth: {
    /** The issuer identifier, exactly as in `iss`, without a trailing slash. */
    readonly issuer: string;
    readonly jwksUri: string;
    readonly tokenUrl: string;
    /** Absent: the guard's default. */
    readonly jwksCacheMaxAgeSeconds?: number;
    /** Absent: the guard's default. */
    readonly jwksRefetchCooldownSeconds?: number;
  };
  /** This service's own credentials at the issuer (outbound calls). */
  readonly client: { readonly clientId: string; readonly clientSecret: string };
}

/** Applies the derived defaults (JWKS and token URLs from the issuer). */
export function toBusinessServiceConfig(env: z.infer<ReturnType<typeof businessServiceEnvironment>>): BusinessServiceConfig {
  const issuer = withoutTrailingSlash(env.AUTH_ISSUER);
  return {
    production: env.NODE_ENV === 'production',
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    auth: {
      issuer,
      jwksUri: env.AUTH_JWKS_URI ?? `${issuer}/.well-known/jwks.json`,
      tokenUrl: env.AUTH_TOKEN_URL ?? `${issuer}/oauth/token`,
      jwksCacheMaxAgeSeconds: env.AUTH_JWKS_CACHE_MAX_AGE_SECONDS,
      jwksRefetchCooldownSeconds: env.AUTH_JWKS_REFETCH_COOLDOWN_SECONDS,
    },
    client: { clientId: env.SERVICE_CLIENT_ID, clientSecret: env.SERVICE_CLIENT_SECRET },
  };
}
