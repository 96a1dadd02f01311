import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBody, ApiOperation, ApiResponse, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { ERROR_BODY_SCHEMA, openApiSchemaOf } from '@service-trust/service-kit';
import { z } from 'zod';
import { parseBody } from '../http/parse-body';
import { IssuedTokensCounter } from '../metrics/issued-tokens.counter';
import { RateLimiter } from '../throttling/rate-limiter';
import { SessionService, type SessionTokens } from './session.service';

const loginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});
const refreshBody = z.object({ refresh_token: z.string().min(1).max(512) });

const SESSION_TOKENS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in', 'refresh_token', 'scope'],
  properties: {
    access_token: { type: 'string', description: 'RFC 9068 JWT for audience `orders`' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', example: 900 },
    refresh_token: { type: 'string', description: 'Opaque, single use' },
    scope: { type: 'string', example: 'orders:read orders:write' },
  },
};
const SESSION_ERROR_SCHEMA: SchemaObject = { type: 'object', properties: { error: { type: 'string', example: 'invalid_credentials' }, error_description: { type: 'string' } } };

/** `POST /auth/login`, `/auth/refresh`, `/auth/logout`: first-party user sessions, JSON in and out. */
@ApiTags('sessions')
@Controller('auth')
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    private readonly limiter: RateLimiter,
    private readonly issued: IssuedTokensCounter,
  ) {}

  @Post('login')
  @ApiOperation({ summary: 'Log a user in (first party): a user token for orders and a refresh token' })
  @ApiBody({ schema: openApiSchemaOf(loginBody) })
  @ApiResponse({ status: 200, schema: SESSION_TOKENS_SCHEMA })
  @ApiResponse({ status: 400, description: 'A body that is not `{username, password}`', schema: ERROR_BODY_SCHEMA })
  @ApiResponse({ status: 401, description: 'Unknown user or wrong password (the same answer)', schema: SESSION_ERROR_SCHEMA })
  @ApiResponse({ status: 429, description: 'Too many attempts; see `Retry-After`', schema: SESSION_ERROR_SCHEMA })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async login(@Req() request: FastifyRequest, @Body() body: unknown): Promise<SessionTokens> {
    await this.limiter.consume(`login:ip:${request.ip}`);
    const { username, password } = parseBody(loginBody, body);
    await this.limiter.consume(`login:user:${username.toLowerCase()}`);
    const tokens = await this.sessions.login(username, password);
    this.issued.issued('password');
    return tokens;
  }

  @Post('refresh')
  @ApiOperation({ summary: 'Trade a refresh token for a new pair; presenting a spent one revokes its family' })
  @ApiBody({ schema: openApiSchemaOf(refreshBody) })
  @ApiResponse({ status: 200, schema: SESSION_TOKENS_SCHEMA })
  @ApiResponse({ status: 400, description: 'Malformed body, or an invalid, expired or spent refresh token', schema: SESSION_ERROR_SCHEMA })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async refresh(@Req() request: FastifyRequest, @Body() body: unknown): Promise<SessionTokens> {
    await this.limiter.consume(`refresh:ip:${request.ip}`);
    const tokens = await this.sessions.refresh(parseBody(refreshBody, body).refresh_token);
    this.issued.issued('refresh_token');
    return tokens;
  }

  @Post('logout')
  @ApiOperation({ summary: 'Revoke the refresh-token family of this refresh token' })
  @ApiBody({ schema: openApiSchemaOf(refreshBody) })
  @ApiResponse({ status: 204, description: 'Logged out' })
  @HttpCode(204)
  async logout(@Body() body: unknown): Promise<void> {
    await this.sessions.logout(parseBody(refreshBody, body).refresh_token);
  }
}
