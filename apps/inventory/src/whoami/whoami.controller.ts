import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, Principal } from '@service-trust/auth-guard';
import { ApiBearerProtected } from '@service-trust/service-kit';

/** What `GET /whoami` answers: the verified principal, as the contract names its members. */
export interface WhoAmI {
  sub: string;
  client_id: string;
  /** The granted scopes, space-separated as in the token. */
  scope: string;
  aud: string;
  /** Only for delegated (exchanged) tokens. */
  act?: Actor;
}

/** Any valid token for this service may ask who it is. */
@ApiTags('whoami')
@Controller('whoami')
export class WhoAmIController {
  @Get()
  @ApiOperation({ summary: 'The verified principal of the token (any valid token for this service)' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['sub', 'client_id', 'scope', 'aud'],
      properties: {
        sub: { type: 'string' },
        client_id: { type: 'string' },
        scope: { type: 'string', description: 'Space-separated' },
        aud: { type: 'string' },
        act: { type: 'object', description: 'Delegated tokens only', properties: { sub: { type: 'string' } } },
      },
    },
  })
  @ApiBearerProtected()
  whoami(@Principal() principal: Principal): WhoAmI {
    return {
      sub: principal.sub,
      client_id: principal.clientId,
      scope: principal.scopes.join(' '),
      aud: principal.audience,
      ...(principal.actor ? { act: principal.actor } : {}),
    };
  }
}
