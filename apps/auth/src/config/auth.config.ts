import { loadConfig } from '@service-trust/service-kit';
import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The auth service's environment, validated once at start. Secrets (`*_KEY`, `*_SECRET`) may be
 * given as `NAME_FILE`. Every variable and its default is listed in docs/configuration.md.
 */
export const authEnvironment = z
  .object({
    NODE_ENV: z.string().default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string({ error: 'is required: a PostgreSQL URL (npm start provides the embedded database)' })
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
    AUTH_ISSUER: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
    AUTH_SIGNING_ALG: z.enum(['RS256', 'ES256', 'EdDSA']).default('RS256'),
    AUTH_SIGNING_KEY_FILE: z.string().optional(),
    AUTH_KEY_ENCRYPTION_KEY: z
      .string()
      .min(32, 'must be at least 32 characters of secret material (e.g. `openssl rand -base64 32`)')
      .optional(),
    AUTH_USER_TOKEN_TTL: seconds(900),
    AUTH_SERVICE_TOKEN_TTL: seconds(300),
    AUTH_REFRESH_TOKEN_TTL: seconds(14 * 24 * 3600),
    AUTH_KEY_PREPUBLISH_SECONDS: seconds(600),
    AUTH_KEY_RETENTION_SECONDS: seconds(1200),
    AUTH_RATE_LIMIT: seconds(30),
    AUTH_RATE_LIMIT_WINDOW_SECONDS: seconds(60),
    AUTH_CLIENT_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
    AUTH_LOGIN_CLIENT_ID: z.string().min(1).default('orders-web'),
    DEMO_IDENTITIES_FILE: z.string().default('config/demo-identities.json'),
    AUTH_IDENTITIES_FILE: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.AUTH_SIGNING_KEY_FILE && !env.AUTH_KEY_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_KEY_ENCRYPTION_KEY'],
        message: 'is required (or AUTH_KEY_ENCRYPTION_KEY_FILE) to encrypt the managed signing keys at rest, unless AUTH_SIGNING_KEY_FILE pins a key',
      });
    }
    const longest = Math.max(env.AUTH_USER_TOKEN_TTL, env.AUTH_SERVICE_TOKEN_TTL);
    if (env.AUTH_KEY_RETENTION_SECONDS < longest) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_KEY_RETENTION_SECONDS'],
        message: `must be at least the longest access-token lifetime (${longest} s), or tokens would outlive their key`,
      });
    }
  });

export type AuthEnvironment = z.infer<typeof authEnvironment>;

/** The typed configuration every provider of the auth service reads. */
export interface AuthConfig {
  readonly production: boolean;
  readonly port: number;
  readonly databaseUrl: string;
  /** The issuer identifier, exactly as in `iss`, without a trailing slash. */
  readonly issuer: string;
  readonly signing: {
    readonly alg: 'RS256' | 'ES256' | 'EdDSA';
    /** A PKCS#8 PEM file to sign with instead of the managed, rotating keys. */
    readonly keyFile?: string;
    /** Secret from which the key-encryption key for private keys at rest is derived. */
    readonly keyEncryptionKey?: string;
    /** How long a new key is published before it signs (must exceed verifiers' JWKS cache age). */
    readonly prepublishSeconds: number;
    /** How long a retired key stays published after it stops signing. */
    readonly retentionSeconds: number;
  };
  readonly ttl: { readonly user: number; readonly service: number; readonly refresh: number };
  readonly rateLimit: { readonly limit: number; readonly windowSeconds: number };
  /** How long a replica reuses a client's row before reading it again (0: every request). */
  readonly clientCacheSeconds: number;
  readonly loginClientId: string;
  /** Demo users and clients, loaded only outside production (when no identities file is given). */
  readonly demoIdentitiesFile: string;
  /** The deployer's users and clients, loaded at start in any environment (same shape). */
  readonly identitiesFile?: string;
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const e = loadConfig(authEnvironment, { env, secrets: ['AUTH_KEY_ENCRYPTION_KEY', 'DATABASE_URL'] });
  return {
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    issuer: e.AUTH_ISSUER.replace(/\/+$/, ''),
    signing: {
      alg: e.AUTH_SIGNING_ALG,
      keyFile: e.AUTH_SIGNING_KEY_FILE,
      keyEncryptionKey: e.AUTH_KEY_ENCRYPTION_KEY,
      prepublishSeconds: e.AUTH_KEY_PREPUBLISH_SECONDS,
      retentionSeconds: e.AUTH_KEY_RETENTION_SECONDS,
    },
    ttl: { user: e.AUTH_USER_TOKEN_TTL, service: e.AUTH_SERVICE_TOKEN_TTL, refresh: e.AUTH_REFRESH_TOKEN_TTL },
    rateLimit: { limit: e.AUTH_RATE_LIMIT, windowSeconds: e.AUTH_RATE_LIMIT_WINDOW_SECONDS },
    clientCacheSeconds: e.AUTH_CLIENT_CACHE_SECONDS,
    loginClientId: e.AUTH_LOGIN_CLIENT_ID,
    demoIdentitiesFile: e.DEMO_IDENTITIES_FILE,
    identitiesFile: e.AUTH_IDENTITIES_FILE,
  };
}
