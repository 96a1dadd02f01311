import { Controller, Header, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CLIENT_BASIC_AUTH } from '@service-trust/service-kit';
import { ClientAuthenticator } from '../clients/client.authenticator';
import type { Client } from '../clients/client.repository';
import { IssuedTokensCounter } from '../metrics/issued-tokens.counter';
import { RateLimiter } from '../throttling/rate-limiter';
import { TOKEN_GRANTS, type TokenGrant } from './grants/token-grant';
import { OAuthError } from './oauth.error';
import { OAUTH_ERROR_SCHEMA, TOKEN_REQUEST_SCHEMA, TOKEN_RESPONSE_SCHEMA } from './oauth.openapi';
import { readFormParams, required, type TokenResponse } from './token-params';

/** `POST /oauth/token`: authenticates the client, then hands the request to its grant. */
@ApiTags('oauth')
@Controller('oauth')
export class TokenController {
  private readonly grants: ReadonlyMap<string, TokenGrant>;

  constructor(
    @Inject(TOKEN_GRANTS) grants: TokenGrant[],
    private readonly authenticator: ClientAuthenticator,
    private readonly limiter: RateLimiter,
    private readonly issued: IssuedTokensCounter,
  ) {
    this.grants = new Map(grants.map((grant) => [grant.grantType, grant]));
  }

  @Post('token')
  @ApiOperation({ summary: 'Issue an access token: client_credentials, or token exchange (RFC 8693) on behalf of a user' })
  @ApiBasicAuth(CLIENT_BASIC_AUTH)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: TOKEN_REQUEST_SCHEMA })
  @ApiResponse({ status: 200, description: 'The token (never a refresh token)', schema: TOKEN_RESPONSE_SCHEMA })
  @ApiResponse({ status: 400, description: 'A malformed request, or a grant the client may not have', schema: OAUTH_ERROR_SCHEMA })
  @ApiResponse({ status: 401, description: '`invalid_client`, with `WWW-Authenticate: Basic`', schema: OAUTH_ERROR_SCHEMA })
  @ApiResponse({ status: 429, description: 'Too many attempts; see `Retry-After`', schema: OAUTH_ERROR_SCHEMA })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(@Req() request: FastifyRequest): Promise<TokenResponse> {
    const byAddress = `token:ip:${request.ip}`;
    let grant: TokenGrant;
    let client: Client;
    let params: Readonly<Record<string, string>>;
    try {
      params = readFormParams(request.headers['content-type'], request.body);
      grant = this.grantOf(params);
      client = await this.authenticator.authenticate(request.headers.authorization, params);
    } catch (error) {
      // A refused attempt counts against the address only: naming a client with a wrong secret
      // must not spend that client's budget (or anyone could lock a service out).
      await this.limiter.consume(byAddress);
      throw error;
    }
    // One statement counts the attempt against the address and the authenticated client.
    await this.limiter.consume(byAddress, `token:client:${client.clientId}`);
    const response = await grant.handle(client, params);
    this.issued.issued(grant.grantType);
    return response;
  }

  private grantOf(params: Readonly<Record<string, string>>): TokenGrant {
    const grantType = required(params, 'grant_type');
    const grant = this.grants.get(grantType);
    if (!grant) {
      throw new OAuthError('unsupported_grant_type', `Grant type "${grantType}" is not supported here.`);
    }
    return grant;
  }
}
