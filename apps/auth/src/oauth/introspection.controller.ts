import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CLIENT_BASIC_AUTH } from '@service-trust/service-kit';
import { ClientAuthenticator } from '../clients/client.authenticator';
import { InvalidAccessTokenError, KeyService } from '../keys/key.service';
import { RefreshTokenRepository } from '../sessions/refresh-token.repository';
import { INTROSPECTION_SCHEMA, OAUTH_ERROR_SCHEMA, TOKEN_PARAM_SCHEMA } from './oauth.openapi';
import { RevokedTokensRepository } from './revoked-tokens.repository';
import { readFormParams, required } from './token-params';

const INACTIVE = { active: false } as const;

/**
 * `POST /oauth/introspect` (RFC 7662), for authenticated clients. Answers `{active: false}`
 * for anything that is not a live token of this issuer, without saying why.
 */
@ApiTags('oauth')
@Controller('oauth')
export class IntrospectionController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly keys: KeyService,
    private readonly revoked: RevokedTokensRepository,
    private readonly refreshTokens: RefreshTokenRepository,
  ) {}

  @Post('introspect')
  @ApiOperation({ summary: 'Introspect a token (RFC 7662)' })
  @ApiBasicAuth(CLIENT_BASIC_AUTH)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: TOKEN_PARAM_SCHEMA })
  @ApiResponse({ status: 200, description: '`{active: false}` for anything that is not a live token of this issuer', schema: INTROSPECTION_SCHEMA })
  @ApiResponse({ status: 401, description: '`invalid_client`', schema: OAUTH_ERROR_SCHEMA })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async introspect(@Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    const params = readFormParams(request.headers['content-type'], request.body);
    await this.authenticator.authenticate(request.headers.authorization, params);
    const token = required(params, 'token');

    if (params['token_type_hint'] !== 'refresh_token') {
      const claims = await this.keys.verifyAccessToken(token).catch((error: unknown) => {
        if (error instanceof InvalidAccessTokenError) return undefined;
        throw error;
      });
      if (claims) {
        if (await this.revoked.isRevoked(claims.jti)) return INACTIVE;
        return { active: true, token_type: 'Bearer', ...claims };
      }
    }
    const refresh = await this.refreshTokens.findLive(token);
    if (refresh) {
      return {
        active: true,
        token_type: 'refresh_token',
        client_id: refresh.clientId,
        sub: refresh.userId,
        scope: refresh.scope,
        exp: Math.floor(refresh.expiresAt.getTime() / 1000),
      };
    }
    return INACTIVE;
  }
}
