import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from '../../config/auth.config';
import { scopesForAudience } from '../../config/scopes';
import type { Client } from '../../clients/client.repository';
import { InvalidAccessTokenError, KeyService } from '../../keys/key.service';
import { UserRepository } from '../../users/user.repository';
import { AccessTokenFactory } from '../access-token.factory';
import { OAuthError } from '../oauth.error';
import { RevokedTokensRepository } from '../revoked-tokens.repository';
import { parseScope, required, type TokenResponse } from '../token-params';
import type { TokenGrant } from './token-grant';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * RFC 8693: a service trades a user's access token for one bound to another audience, so it
 * can call that service on the user's behalf. The result keeps the user as `sub`, names the
 * acting client in `act` (nesting any earlier actor), carries no scope wider than both the
 * user's entitlements and the client's, and expires no later than the token it came from.
 */
@Injectable()
export class TokenExchangeGrant implements TokenGrant {
  readonly grantType = TOKEN_EXCHANGE;

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly keys: KeyService,
    private readonly users: UserRepository,
    private readonly revoked: RevokedTokensRepository,
    private readonly tokens: AccessTokenFactory,
  ) {}

  async handle(client: Client, params: Readonly<Record<string, string>>): Promise<TokenResponse> {
    if (client.mayExchangeFor.length === 0) {
      throw new OAuthError('unauthorized_client', 'This client may not use token exchange.');
    }
    const subjectToken = required(params, 'subject_token');
    if (required(params, 'subject_token_type') !== ACCESS_TOKEN_TYPE) {
      throw OAuthError.invalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}.`);
    }
    const requestedType = params['requested_token_type'];
    if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) {
      throw OAuthError.invalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}.`);
    }
    if (params['actor_token'] !== undefined) {
      throw OAuthError.invalidRequest('actor_token is not supported: the authenticated client is the actor.');
    }
    const audience = required(params, 'audience');
    if (!client.mayExchangeFor.includes(audience)) {
      throw new OAuthError('invalid_target', `This client may not exchange tokens for audience "${audience}".`);
    }

    const subject = await this.keys.verifyAccessToken(subjectToken).catch((error: unknown) => {
      if (error instanceof InvalidAccessTokenError) throw new OAuthError('invalid_grant', 'The subject token is not valid.');
      throw error;
    });
    if (await this.revoked.isRevoked(subject.jti)) {
      throw new OAuthError('invalid_grant', 'The subject token has been revoked.');
    }
    const user = await this.users.findById(subject.sub);
    if (!user || user.disabled) {
      throw new OAuthError('invalid_grant', 'The subject token does not represent an active user.');
    }

    const allowed = scopesForAudience(audience, client.scopes).filter((scope) => user.scopes.includes(scope));
    const requested = parseScope(params['scope']);
    const refused = requested?.filter((scope) => !allowed.includes(scope)) ?? [];
    if (refused.length > 0) {
      throw new OAuthError('invalid_scope', `Scope not allowed for this user, client and audience: ${refused.join(' ')}.`);
    }
    const scopes = requested ?? allowed;
    if (scopes.length === 0) {
      throw new OAuthError('invalid_scope', `Neither the user nor the client has any scope for audience "${audience}".`);
    }

    const remaining = subject.exp - Math.floor(Date.now() / 1000);
    const issued = await this.tokens.issue({
      sub: subject.sub,
      audience,
      clientId: client.clientId,
      scopes,
      roles: user.roles,
      lifetimeSeconds: Math.min(this.config.ttl.service, remaining),
      act: subject.act ? { sub: client.clientId, act: subject.act } : { sub: client.clientId },
    });
    return {
      access_token: issued.accessToken,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.scope,
    };
  }
}
