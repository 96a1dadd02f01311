import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';
import { scopesForAudience } from '../config/scopes';
import { AccessTokenFactory } from '../oauth/access-token.factory';
import { OAuthError } from '../oauth/oauth.error';
import { PasswordHasher } from '../users/password.hasher';
import { type User, UserRepository } from '../users/user.repository';
import { RefreshTokenRepository } from './refresh-token.repository';

/** The audience of the tokens that first-party login issues. */
export const LOGIN_AUDIENCE = 'orders';

export interface SessionTokens {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

const BAD_CREDENTIALS = () => new OAuthError('invalid_credentials', 'Invalid username or password.', 401);
const BAD_REFRESH = () => new OAuthError('invalid_grant', 'The refresh token is invalid, expired, or already used.');

/** First-party user sessions: login, refresh-token rotation with reuse detection, logout. */
@Injectable()
export class SessionService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly accessTokens: AccessTokenFactory,
  ) {}

  /**
   * Same status, body and (argon2-dominated) time whether the user is unknown, disabled, or the
   * password is wrong: login does not reveal which accounts exist.
   */
  async login(username: string, password: string): Promise<SessionTokens> {
    const user = await this.users.findByUsername(username);
    const ok = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !ok || user.disabled) throw BAD_CREDENTIALS();
    return this.issue(user);
  }

  /** Spends `refreshToken` and issues the next pair; a reused one revokes its whole family. */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    const spent = await this.refreshTokens.spend(refreshToken);
    if (!spent) {
      const known = await this.refreshTokens.findAny(refreshToken);
      if (known?.spent) await this.refreshTokens.revokeFamily(known.familyId);
      throw BAD_REFRESH();
    }
    const user = await this.users.findById(spent.userId);
    if (!user || user.disabled) {
      await this.refreshTokens.revokeFamily(spent.familyId);
      throw BAD_REFRESH();
    }
    return this.issue(user, spent.familyId);
  }

  async logout(refreshToken: string): Promise<void> {
    const known = await this.refreshTokens.findAny(refreshToken);
    if (known) await this.refreshTokens.revokeFamily(known.familyId);
  }

  private async issue(user: User, familyId?: string): Promise<SessionTokens> {
    const scopes = scopesForAudience(LOGIN_AUDIENCE, user.scopes);
    const access = await this.accessTokens.issue({
      sub: user.id,
      audience: LOGIN_AUDIENCE,
      clientId: this.config.loginClientId,
      scopes,
      roles: user.roles,
      lifetimeSeconds: this.config.ttl.user,
    });
    const refresh = await this.refreshTokens.issue({
      userId: user.id,
      clientId: this.config.loginClientId,
      scope: access.scope,
      lifetimeSeconds: this.config.ttl.refresh,
      familyId,
    });
    return { access_token: access.accessToken, token_type: 'Bearer', expires_in: access.expiresIn, refresh_token: refresh, scope: access.scope };
  }
}
