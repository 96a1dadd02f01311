import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../http/parse-body';
import { RateLimiter } from '../throttling/rate-limiter';
import { SessionService, type SessionTokens } from './session.service';

const loginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});
const refreshBody = z.object({ refresh_token: z.string().min(1).max(512) });

/** `POST /auth/login`, `/auth/refresh`, `/auth/logout`: first-party user sessions, JSON in and out. */
@Controller('auth')
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    private readonly limiter: RateLimiter,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async login(@Req() request: FastifyRequest, @Body() body: unknown): Promise<SessionTokens> {
    await this.limiter.consume(`login:ip:${request.ip}`);
    const { username, password } = parseBody(loginBody, body);
    await this.limiter.consume(`login:user:${username.toLowerCase()}`);
    return this.sessions.login(username, password);
  }

  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async refresh(@Req() request: FastifyRequest, @Body() body: unknown): Promise<SessionTokens> {
    await this.limiter.consume(`refresh:ip:${request.ip}`);
    return this.sessions.refresh(parseBody(refreshBody, body).refresh_token);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: unknown): Promise<void> {
    await this.sessions.logout(parseBody(refreshBody, body).refresh_token);
  }
}
