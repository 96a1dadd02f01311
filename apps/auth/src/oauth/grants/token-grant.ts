import type { Client } from '../../clients/client.repository';
import type { TokenResponse } from '../token-params';

/** One grant type of the token endpoint; the endpoint dispatches on `grant_type`. */
export interface TokenGrant {
  readonly grantType: string;
  /** Issues a token to the authenticated `client`, or throws an {@link OAuthError}. */
  handle(client: Client, params: Readonly<Record<string, string>>): Promise<TokenResponse>;
}

export const TOKEN_GRANTS = Symbol('TOKEN_GRANTS');
