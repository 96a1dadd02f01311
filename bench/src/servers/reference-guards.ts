/**
 * The reference guards the project's guard is compared with. They live in bench/ only.
 *
 * - {@link MinimalRawCryptoGuard}: the least a JWT guard can do — split the token, look the key
 *   up by `kid`, `crypto.verify` with a pre-imported KeyObject, check `exp`, `iss` and `aud`.
 *   No header rules, no strict base64url, no scopes: a floor, not a recommendation.
 * - {@link docsRecipeProviders}: the NestJS documentation recipe — `AuthGuard('jwt')` from
 *   `@nestjs/passport` and a passport-jwt `Strategy` whose key comes from jwks-rsa's
 *   `passportJwtSecret` (PEM strings, verified by jsonwebtoken).
 */
import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';

export interface ReferenceGuardSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
}

export const REFERENCE_SETTINGS = Symbol('bench.reference-settings');

interface RawKey {
  readonly key: KeyObject;
  readonly digest: string | null;
  readonly dsaEncoding?: 'ieee-p1363';
}

/** Fetches the JWKS once and imports every key as a KeyObject. */
export async function loadRawKeys(jwksUri: string): Promise<Map<string, RawKey>> {
  const response = await fetch(jwksUri);
  const { keys } = (await response.json()) as { keys: (JsonWebKey & { kid: string; alg: string })[] };
  const map = new Map<string, RawKey>();
  for (const jwk of keys) {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    map.set(jwk.kid, jwk.alg === 'EdDSA' ? { key, digest: null } : jwk.alg === 'ES256' ? { key, digest: 'sha256', dsaEncoding: 'ieee-p1363' } : { key, digest: 'sha256' });
  }
  return map;
}

export class MinimalRawCryptoGuard implements CanActivate {
  constructor(
    private readonly keys: Map<string, RawKey>,
    private readonly settings: ReferenceGuardSettings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
    const header = request.headers['authorization'];
    if (!header || !header.startsWith('Bearer ')) throw new UnauthorizedException();
    const token = header.slice(7);
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first < 0 || second < 0) throw new UnauthorizedException();
    try {
      const jose = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString()) as { kid?: string };
      const raw = this.keys.get(jose.kid ?? '');
      if (!raw) throw new UnauthorizedException();
      const signature = Buffer.from(token.slice(second + 1), 'base64url');
      const input = Buffer.from(token.slice(0, second));
      const ok = verify(raw.digest, input, raw.dsaEncoding ? { key: raw.key, dsaEncoding: raw.dsaEncoding } : raw.key, signature);
      if (!ok) throw new UnauthorizedException();
      const claims = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString()) as { exp?: number; iss?: string; aud?: string };
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) throw new UnauthorizedException();
      if (claims.iss !== this.settings.issuer || claims.aud !== this.settings.audience) throw new UnauthorizedException();
      request.user = claims;
      return true;
    } catch (error) {
      if (error instanceof UnauthorizedException) throw error;
      throw new UnauthorizedException();
    }
  }
}

/** The minimal guard as the application guard (keys fetched once at start). */
export function minimalGuardProviders(settings: ReferenceGuardSettings): Provider[] {
  return [
    {
      provide: APP_GUARD,
      useFactory: async () => new MinimalRawCryptoGuard(await loadRawKeys(settings.jwksUri), settings),
    },
  ];
}

/** The NestJS docs recipe: passport-jwt + jwks-rsa, exactly as documented. */
@Injectable()
export class DocsRecipeJwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(settings: ReferenceGuardSettings) {
    super({
      secretOrKeyProvider: passportJwtSecret({ cache: true, rateLimit: true, jwksRequestsPerMinute: 5, jwksUri: settings.jwksUri }),
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ['RS256', 'ES256'],
    });
  }

  validate(payload: unknown): unknown {
    return payload;
  }
}

export function docsRecipeProviders(settings: ReferenceGuardSettings): Provider[] {
  return [
    { provide: DocsRecipeJwtStrategy, useFactory: () => new DocsRecipeJwtStrategy(settings) },
    { provide: APP_GUARD, useClass: AuthGuard('jwt') },
  ];
}
