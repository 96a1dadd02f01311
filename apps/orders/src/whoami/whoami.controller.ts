import { Controller, Get } from '@nestjs/common';
import { type Actor, Principal } from '@service-trust/auth-guard';

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
@Controller('whoami')
export class WhoAmIController {
  @Get()
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
