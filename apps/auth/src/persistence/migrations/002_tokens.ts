import type { Migration } from '@service-trust/service-kit';

export const tokens: Migration = {
  id: '002_tokens',
  sql: `
    -- Opaque refresh tokens, stored as SHA-256 of the token (256 bits of randomness: a fast
    -- hash is enough). One row per token; rotation spends a row and adds one in the same family.
    CREATE TABLE auth.refresh_tokens (
      token_hash  text PRIMARY KEY,
      family_id   uuid NOT NULL,
      user_id     uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
      client_id   text NOT NULL,
      scope       text NOT NULL,
      expires_at  timestamptz NOT NULL,
      spent_at    timestamptz,
      revoked_at  timestamptz,
      created_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX refresh_tokens_family ON auth.refresh_tokens (family_id);
    CREATE INDEX refresh_tokens_expiry ON auth.refresh_tokens (expires_at);

    -- Access tokens revoked before their expiry (RFC 7009), by jti, kept until they expire.
    CREATE TABLE auth.revoked_access_tokens (
      jti        text PRIMARY KEY,
      expires_at timestamptz NOT NULL
    );

    -- Fixed-window counters shared by every replica of auth (throttling of login and token).
    CREATE TABLE auth.rate_limits (
      bucket       text NOT NULL,
      window_start timestamptz NOT NULL,
      hits         integer NOT NULL,
      PRIMARY KEY (bucket, window_start)
    );
  `,
};
