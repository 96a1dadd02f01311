import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from '../../config/auth.config';
import { scopesForAudience } from '../../config/scopes';
import type { Client } from '../../clients/client.repository';
import { AccessTokenFactory } from '../access-token.factory';
import { OAuthError } from '../oauth.error';
import { parseScope, type TokenResponse } from '../token-params';
import type { TokenGrant } from './token-grant';

/**
 * RFC 6749 §4.4: a service gets a token as itself, for one target audience (`audience`),
 * with the scopes it asks for (all it may have for that audience when it asks for none).
 * Never returns a refresh token.
 */
@Injectable()
export class ClientCredentialsGrant implements TokenGrant {
  readonly grantType = 'client_credentials';

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly tokens: AccessTokenFactory,
  ) {}

  async handle(client: Client, params: Readonly<Record<string, string>>): Promise<TokenResponse> {
    const audience = params['audience'] ?? (client.audiences.length === 1 ? client.audiences[0] : undefined);
    if (audience === undefined) {
      throw OAuthError.invalidRequest('Parameter "audience" is required: name the service the token is for.');
    }
    if (!client.audiences.includes(audience)) {
      throw new OAuthError('invalid_target', `This client may not get tokens for audience "${audience}".`);
    }
    const allowed = scopesForAudience(audience, client.scopes);
    const requested = parseScope(params['scope']);
    const refused = requested?.filter((scope) => !allowed.includes(scope)) ?? [];
    if (refused.length > 0) {
      throw new OAuthError('invalid_scope', `Scope not allowed for this client and audience: ${refused.join(' ')}.`);
    }
    const scopes = requested ?? allowed;
    if (scopes.length === 0) {
      throw new OAuthError('invalid_scope', `This client has no scope for audience "${audience}".`);
    }
    const issued = await this.tokens.issue({
      sub: client.clientId,
      audience,
      clientId: client.clientId,
      scopes,
      lifetimeSeconds: this.config.ttl.service,
    });
    return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, scope: issued.scope };
  }
}
