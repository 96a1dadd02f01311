import type { JWK, JWTPayload } from 'jose';

/** A verified access token this issuer signed. */
export interface VerifiedAccessToken extends JWTPayload {
  sub: string;
  aud: string;
  client_id: string;
  jti: string;
  exp: number;
  iat: number;
  scope?: string;
  roles?: string[];
  act?: { sub: string; act?: unknown };
}

/** Where a rotation stands: which key signs now, which is published and waiting. */
export interface RotationPlan {
  /** The key that signs now. */
  readonly current: { kid: string; alg: string; retiresAt?: string };
  /** The key published by this rotation, and when it starts signing (ISO 8601). */
  readonly next: { kid: string; alg: string; activatesAt: string };
}

/** The result of an emergency key removal. */
export interface KeyRevocation {
  readonly kid: string;
  /** When the key was revoked (ISO 8601); a repeated call answers the first time. */
  readonly revokedAt: string;
}

/**
 * Everything the rest of `auth` knows of keys. The grants only ask for a signature and never
 * touch key material; the implementation decides where keys live (database, file, KMS/HSM).
 */
export abstract class KeyService {
  /** Signs `claims` as an RFC 9068 access token (`typ: at+jwt`, `kid`, `alg` in the header). */
  abstract signAccessToken(claims: Record<string, unknown>): Promise<string>;

  /**
   * Verifies a token this issuer signed with one of its published keys: signature, algorithm of
   * that key, `typ`, `iss`, `exp`/`nbf`, required claims. The audience is not checked here.
   * Throws {@link InvalidAccessTokenError} when it is not valid.
   */
  abstract verifyAccessToken(token: string): Promise<VerifiedAccessToken>;

  /** The public JWK Set: only `kty`, key members, `kid`, `alg`, `use: "sig"`. */
  abstract jwks(): Promise<{ keys: JWK[] }>;

  /** Starts a rotation: publishes a new key that signs after the pre-publication window. */
  abstract rotate(): Promise<RotationPlan>;

  /**
   * Emergency removal of a key that does not sign now (a retired one in its retention period, or
   * a pending one): it leaves the JWKS and stops verifying here at once, on the other replicas at
   * their next re-read of the key table (at most 30 s). Idempotent.
   * Throws `UnknownSigningKeyError` (404) for an unknown kid and `KeyRotationRefusedError`
   * (409) for the key that signs now (rotate first) or a pinned key.
   */
  abstract revoke(kid: string): Promise<KeyRevocation>;

  /** True when a key is available to sign (readiness). */
  abstract isReady(): Promise<boolean>;
}

/** The token is not an access token this issuer signed and still honours. */
export class InvalidAccessTokenError extends Error {
  override readonly name = 'InvalidAccessTokenError';
}
