import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';
import { KeyService } from '../keys/key.service';

/** What an access token says; the factory adds `iss`, `iat`, `exp` and `jti`. */
export interface AccessTokenRequest {
  readonly sub: string;
  readonly audience: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly lifetimeSeconds: number;
  readonly roles?: readonly string[];
  /** RFC 8693 §4.1 actor chain: the acting client, and whoever acted before it. */
  readonly act?: { sub: string; act?: unknown };
}

export interface IssuedAccessToken {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly scope: string;
}

/** Builds RFC 9068 access tokens (exactly one audience, as a string) and has them signed. */
@Injectable()
export class AccessTokenFactory {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly keys: KeyService,
  ) {}

  async issue(request: AccessTokenRequest): Promise<IssuedAccessToken> {
    const iat = Math.floor(Date.now() / 1000);
    const expiresIn = Math.max(1, Math.floor(request.lifetimeSeconds));
    const scope = request.scopes.join(' ');
    const claims: Record<string, unknown> = {
      iss: this.config.issuer,
      sub: request.sub,
      aud: request.audience,
      exp: iat + expiresIn,
      iat,
      jti: randomUUID(),
      client_id: request.clientId,
      scope,
    };
    if (request.roles) claims['roles'] = [...request.roles];
    if (request.act) claims['act'] = request.act;
    return { accessToken: await this.keys.signAccessToken(claims), expiresIn, scope };
  }
}
