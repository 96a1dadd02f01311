import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CLIENT_BASIC_AUTH } from '@service-trust/service-kit';
import { ClientAuthenticator } from '../clients/client.authenticator';
import { InvalidAccessTokenError, KeyService } from '../keys/key.service';
import { RefreshTokenRepository } from '../sessions/refresh-token.repository';
import { OAuthError } from './oauth.error';
import { OAUTH_ERROR_SCHEMA, TOKEN_PARAM_SCHEMA } from './oauth.openapi';
import { RevokedTokensRepository } from './revoked-tokens.repository';
import { readFormParams, required } from './token-params';

/**
 * `POST /oauth/revoke` (RFC 7009). A client may revoke the tokens issued to it: its access
 * tokens (by `jti`, until they expire) and refresh tokens (their whole family). An unknown or
 * invalid token is answered 200, as the RFC asks, so the endpoint reveals nothing.
 */
@ApiTags('oauth')
@Controller('oauth')
export class RevocationController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly keys: KeyService,
    private readonly revoked: RevokedTokensRepository,
    private readonly refreshTokens: RefreshTokenRepository,
  ) {}

  @Post('revoke')
  @ApiOperation({ summary: 'Revoke an access token or a refresh token family (RFC 7009)' })
  @ApiBasicAuth(CLIENT_BASIC_AUTH)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: TOKEN_PARAM_SCHEMA })
  @ApiResponse({ status: 200, description: 'Revoked, or unknown (the answer reveals nothing)', schema: { type: 'object' } })
  @ApiResponse({ status: 400, description: '`unauthorized_client` (not this client\'s token), `unsupported_token_type`', schema: OAUTH_ERROR_SCHEMA })
  @ApiResponse({ status: 401, description: '`invalid_client`', schema: OAUTH_ERROR_SCHEMA })
  @HttpCode(200)
  async revoke(@Req() request: FastifyRequest): Promise<Record<string, never>> {
    const params = readFormParams(request.headers['content-type'], request.body);
    const client = await this.authenticator.authenticate(request.headers.authorization, params);
    const token = required(params, 'token');
    const hint = params['token_type_hint'];
    if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token') {
      throw new OAuthError('unsupported_token_type', `token_type_hint "${hint}" is not supported.`);
    }

    if (hint !== 'refresh_token') {
      const claims = await this.keys.verifyAccessToken(token).catch((error: unknown) => {
        if (error instanceof InvalidAccessTokenError) return undefined;
        throw error;
      });
      if (claims) {
        if (claims.client_id !== client.clientId) {
          throw new OAuthError('unauthorized_client', 'This token was not issued to this client.');
        }
        await this.revoked.revoke(claims.jti, claims.exp);
        return {};
      }
    }
    const refresh = await this.refreshTokens.findAny(token);
    if (refresh) {
      if (refresh.clientId !== client.clientId) {
        throw new OAuthError('unauthorized_client', 'This token was not issued to this client.');
      }
      await this.refreshTokens.revokeFamily(refresh.familyId);
    }
    return {};
  }
}
