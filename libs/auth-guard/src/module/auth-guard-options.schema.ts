import { z } from 'zod';
import type { AsymmetricAlgorithm, AuthGuardModuleOptions } from '../interfaces/auth-guard-module-options.interface';
import { SUPPORTED_ALGORITHMS } from '../jwt/jws-algorithms';

/** {@link AuthGuardModuleOptions} with every default applied and every value validated. */
export interface ResolvedAuthGuardOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  readonly algorithms: readonly AsymmetricAlgorithm[];
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds: number;
  readonly jwksCacheMaxAgeSeconds: number;
  readonly jwksRefetchCooldownSeconds: number;
  readonly jwksFetchTimeoutMs: number;
  readonly realm: string;
  readonly tokenCache: { readonly maxEntries: number } | undefined;
  readonly client: ResolvedServiceClientOptions | undefined;
}

export interface ResolvedServiceClientOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenUrl: string;
  readonly timeoutMs: number;
  readonly retry: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly refreshSkewSeconds: number;
  readonly exchangeCacheMaxEntries: number;
  readonly requestTimeoutMs: number;
}

/** Thrown when the module options are invalid; the message lists what to set. */
export class AuthGuardOptionsError extends Error {
  override readonly name = 'AuthGuardOptionsError';
}

const httpUrl = (what: string) =>
  z.url({ protocol: /^https?$/, error: `must be an absolute http(s) URL (${what})` });
const int = (min: number, max: number, what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int(`must be an integer (${what})`)
    .min(min, `must be at least ${min} (${what})`)
    .max(max, `must be at most ${max} (${what})`);

const algorithm = z.string().superRefine((alg, ctx) => {
  if (/^none$/i.test(alg) || /^HS/i.test(alg)) {
    ctx.addIssue({ code: 'custom', message: `"${alg}" is never accepted: only asymmetric algorithms can be used (${SUPPORTED_ALGORITHMS.join(', ')})` });
  } else if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
    ctx.addIssue({ code: 'custom', message: `"${alg}" is not supported; use one of ${SUPPORTED_ALGORITHMS.join(', ')}` });
  }
});

const clientSchema = z.strictObject({
  clientId: z.string({ error: 'is required: this service\'s client_id at the issuer' }).min(1, 'must not be empty'),
  clientSecret: z.string({ error: 'is required: this service\'s client secret' }).min(1, 'must not be empty'),
  tokenUrl: httpUrl('the token endpoint, default <issuer>/oauth/token').optional(),
  timeoutMs: int(100, 120_000, 'milliseconds').default(5000),
  retry: z
    .strictObject({
      attempts: int(1, 10, 'total attempts').default(3),
      baseDelayMs: int(0, 60_000, 'milliseconds').default(100),
      maxDelayMs: int(0, 300_000, 'milliseconds').default(2000),
    })
    .default({ attempts: 3, baseDelayMs: 100, maxDelayMs: 2000 }),
  refreshSkewSeconds: int(0, 3600, 'seconds').default(30),
  exchangeCacheMaxEntries: int(0, 1_000_000, 'entries').default(1000),
  requestTimeoutMs: int(100, 300_000, 'milliseconds').default(10_000),
});

const optionsSchema = z.strictObject({
  issuer: httpUrl('the issuer identifier exactly as in the tokens\' "iss", e.g. https://auth.example.com'),
  audience: z
    .string({ error: 'is required: this service\'s audience name as in the tokens\' "aud", e.g. "inventory"' })
    .min(1, 'must not be empty: this service\'s audience name, e.g. "inventory"'),
  jwksUri: httpUrl('default <issuer>/.well-known/jwks.json').optional(),
  algorithms: z.array(algorithm).min(1, 'must list at least one algorithm').default(['RS256', 'ES256', 'EdDSA']),
  clockToleranceSeconds: int(0, 300, 'seconds').default(30),
  maxTokenAgeSeconds: int(1, 86_400, 'seconds').default(3600),
  jwksCacheMaxAgeSeconds: int(1, 86_400, 'seconds').default(300),
  jwksRefetchCooldownSeconds: int(1, 3600, 'seconds').default(30),
  jwksFetchTimeoutMs: int(50, 60_000, 'milliseconds').default(3000),
  realm: z.string().min(1, 'must not be empty').optional(),
  tokenCache: z.strictObject({ maxEntries: int(1, 1_000_000, 'entries') }).optional(),
  client: clientSchema.optional(),
});

/** Validates the options and applies the defaults. Throws {@link AuthGuardOptionsError}. */
export function resolveAuthGuardOptions(options: AuthGuardModuleOptions): ResolvedAuthGuardOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : '(options)';
      return `  - ${path}: ${issue.message}`;
    });
    throw new AuthGuardOptionsError(`Invalid AuthGuardModule options:\n${lines.join('\n')}`);
  }
  const o = parsed.data;
  const issuerBase = o.issuer.replace(/\/+$/, '');
  return Object.freeze({
    issuer: o.issuer,
    audience: o.audience,
    jwksUri: o.jwksUri ?? `${issuerBase}/.well-known/jwks.json`,
    algorithms: Object.freeze([...new Set(o.algorithms)] as AsymmetricAlgorithm[]),
    clockToleranceSeconds: o.clockToleranceSeconds,
    maxTokenAgeSeconds: o.maxTokenAgeSeconds,
    jwksCacheMaxAgeSeconds: o.jwksCacheMaxAgeSeconds,
    jwksRefetchCooldownSeconds: o.jwksRefetchCooldownSeconds,
    jwksFetchTimeoutMs: o.jwksFetchTimeoutMs,
    realm: o.realm ?? o.audience,
    tokenCache: o.tokenCache,
    client: o.client && { ...o.client, tokenUrl: o.client.tokenUrl ?? `${issuerBase}/oauth/token` },
  });
}
