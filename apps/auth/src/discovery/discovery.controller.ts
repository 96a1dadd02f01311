import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';
import { ALL_SCOPES } from '../config/scopes';
import { KeyService } from '../keys/key.service';
import { TOKEN_EXCHANGE } from '../oauth/grants/token-exchange.grant';

const CLIENT_AUTH = ['client_secret_basic', 'client_secret_post'];

/** Authorization-server metadata (RFC 8414, also at the OpenID path) and the public JWKS. */
@ApiTags('discovery')
@Controller('.well-known')
export class DiscoveryController {
  private readonly metadata: Readonly<Record<string, unknown>>;

  constructor(
    @Inject(AUTH_CONFIG) config: AuthConfig,
    private readonly keys: KeyService,
  ) {
    const issuer = config.issuer;
    this.metadata = {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer}/oauth/token`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      grant_types_supported: ['client_credentials', TOKEN_EXCHANGE],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: CLIENT_AUTH,
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH,
      scopes_supported: ALL_SCOPES,
      access_token_signing_alg_values_supported: [config.signing.alg],
    };
  }

  @Get('openid-configuration')
  @ApiOperation({ summary: 'Authorization-server metadata (RFC 8414)' })
  @Header('Cache-Control', 'public, max-age=300')
  openidConfiguration(): Readonly<Record<string, unknown>> {
    return this.metadata;
  }

  @Get('oauth-authorization-server')
  @ApiOperation({ summary: 'Authorization-server metadata (RFC 8414)' })
  @Header('Cache-Control', 'public, max-age=300')
  authorizationServer(): Readonly<Record<string, unknown>> {
    return this.metadata;
  }

  /** Verifiers may cache this for 5 minutes; a new key is published well before it signs. */
  @Get('jwks.json')
  @ApiOperation({ summary: 'The public signing keys (JWK Set)' })
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): Promise<{ keys: unknown[] }> {
    return this.keys.jwks();
  }
}
