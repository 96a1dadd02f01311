import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Database, migrate } from '@service-trust/service-kit';
import type { JWK } from 'jose';
import type { AuthConfig } from '../config/auth.config';
import { signingKeys } from '../persistence/migrations/003_signing_keys';
import { signingKeyRevocation } from '../persistence/migrations/004_signing_key_revocation';
import { Clock } from './key.clock';
import type { SigningAlgorithm } from './key.material';

/** Test support (no test framework imported): a clock that moves only when told. */
export class ManualClock extends Clock {
  constructor(private t = Date.now()) {
    super();
  }

  override now(): number {
    return this.t;
  }

  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

export const TEST_ISSUER = 'https://auth.test';

/** An AuthConfig for key tests; `signing` members override the defaults. */
export function keysTestConfig(databaseUrl: string, signing: Partial<AuthConfig['signing']> = {}): AuthConfig {
  return {
    production: false,
    port: 0,
    databaseUrl,
    issuer: TEST_ISSUER,
    signing: {
      alg: 'RS256' as SigningAlgorithm,
      keyEncryptionKey: randomBytes(32).toString('base64url'),
      prepublishSeconds: 600,
      retentionSeconds: 1200,
      ...signing,
    },
    ttl: { user: 900, service: 300, refresh: 3600 },
    rateLimit: { limit: 30, windowSeconds: 60 },
    loginClientId: 'orders-web',
    demoIdentitiesFile: 'unused.json',
  };
}

/** Connects to `url` and applies the signing-keys migrations. */
export async function migratedKeysDatabase(url: string): Promise<Database> {
  const db = new Database(url);
  await migrate(db, 'auth', [signingKeys, signingKeyRevocation]);
  return db;
}

/** Access-token claims as the token factory makes them, at `nowMs`. */
export function accessTokenClaims(nowMs: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(nowMs / 1000);
  return { iss: TEST_ISSUER, sub: 'user-1', aud: 'inventory', exp: iat + 300, iat, jti: randomUUID(), client_id: 'orders-service', scope: 'inventory:read', ...overrides };
}

/** The decoded protected header of a compact JWS (no verification). */
export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** RFC 7638 thumbprint computed with node:crypto, independently of the code under test. */
export function thumbprint(jwk: JWK): string {
  const required = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] }[jwk.kty as 'RSA' | 'EC' | 'OKP'];
  const canonical = `{${required.map((m) => `"${m}":"${String(jwk[m as keyof JWK])}"`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}
