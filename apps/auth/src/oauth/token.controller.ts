import { Controller, Header, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientAuthenticator } from '../clients/client.authenticator';
import { RateLimiter } from '../throttling/rate-limiter';
import { TOKEN_GRANTS, type TokenGrant } from './grants/token-grant';
import { OAuthError } from './oauth.error';
import { readFormParams, required, type TokenResponse } from './token-params';

/** `POST /oauth/token`: authenticates the client, then hands the request to its grant. */
@Controller('oauth')
export class TokenController {
  private readonly grants: ReadonlyMap<string, TokenGrant>;

  constructor(
    @Inject(TOKEN_GRANTS) grants: TokenGrant[],
    private readonly authenticator: ClientAuthenticator,
    private readonly limiter: RateLimiter,
  ) {
    this.grants = new Map(grants.map((grant) => [grant.grantType, grant]));
  }

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(@Req() request: FastifyRequest): Promise<TokenResponse> {
    await this.limiter.consume(`token:ip:${request.ip}`);
    const params = readFormParams(request.headers['content-type'], request.body);
    const grantType = required(params, 'grant_type');
    const grant = this.grants.get(grantType);
    if (!grant) {
      throw new OAuthError('unsupported_grant_type', `Grant type "${grantType}" is not supported here.`);
    }
    const client = await this.authenticator.authenticate(request.headers.authorization, params);
    await this.limiter.consume(`token:client:${client.clientId}`);
    return grant.handle(client, params);
  }
}
