import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BearerChallengeError } from '../http/bearer-challenge.error';
import { InvalidAccessTokenError, type KeyRevocation, KeyService, type RotationPlan } from '../keys/key.service';

const REALM = 'auth';
const SCOPE = 'keys:rotate';

const bearerError = (status: 400 | 401 | 403, error: string | undefined, description: string, scope?: string) =>
  new BearerChallengeError(REALM, status, error, description, scope);

/**
 * `POST /admin/keys/rotate`: starts a key rotation. `POST /admin/keys/:kid/revoke`: emergency
 * removal of a key that does not sign now (it leaves the JWKS at once). Both need an access token
 * from this issuer for audience `auth` with scope `keys:rotate` (the `ops-cli` client can get one).
 */
@Controller('admin/keys')
export class KeysAdminController {
  constructor(private readonly keys: KeyService) {}

  @Post('rotate')
  @HttpCode(202)
  async rotate(@Req() request: FastifyRequest): Promise<RotationPlan> {
    await this.authorize(request);
    return this.keys.rotate();
  }

  @Post(':kid/revoke')
  @HttpCode(200)
  async revoke(@Req() request: FastifyRequest, @Param('kid') kid: string): Promise<KeyRevocation> {
    await this.authorize(request);
    return this.keys.revoke(kid);
  }

  private async authorize(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    if (!header) throw bearerError(401, undefined, 'A bearer token is required.');
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match) throw bearerError(400, 'invalid_request', 'The Authorization header must be "Bearer <token>".');
    const claims = await this.keys.verifyAccessToken(match[1]).catch((error: unknown) => {
      if (error instanceof InvalidAccessTokenError) throw bearerError(401, 'invalid_token', 'The access token is not valid.');
      throw error;
    });
    if (claims.aud !== REALM) throw bearerError(401, 'invalid_token', 'The access token is not meant for this service.');
    if (!(claims.scope ?? '').split(' ').includes(SCOPE)) {
      throw bearerError(403, 'insufficient_scope', `Scope ${SCOPE} is required.`, SCOPE);
    }
  }
}
