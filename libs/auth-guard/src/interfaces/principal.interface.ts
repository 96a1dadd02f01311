/** The actor of a delegated token (RFC 8693 §4.1 `act`): who acts on behalf of `sub`. */
export interface Actor {
  /** The acting party, usually a service's `client_id`. */
  readonly sub: string;
  /** A prior actor in a delegation chain, if any. */
  readonly act?: Actor;
}

/** The verified caller of a request, available through `@Principal()`. Immutable. */
export interface Principal {
  /** The subject: a user id, or the calling service for a client_credentials token. */
  readonly sub: string;
  /** The OAuth client that obtained the token (`client_id`). */
  readonly clientId: string;
  /** The granted scopes (`scope` split on spaces); empty when the token has none. */
  readonly scopes: readonly string[];
  /** This service's audience, which the token was checked against. */
  readonly audience: string;
  /** Present when the token is delegated (token exchange): the party acting for `sub`. */
  readonly actor?: Actor;
  /** The `roles` claim, or an empty array. */
  readonly roles: readonly string[];
  /** The token id (`jti`). */
  readonly tokenId: string;
  /** Expiry of the token, in seconds since the epoch (`exp`). */
  readonly expiresAt: number;
  /** Every claim of the token, deep-frozen. */
  readonly claims: Readonly<Record<string, unknown>>;
}
