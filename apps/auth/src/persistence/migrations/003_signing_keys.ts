import type { Migration } from '@service-trust/service-kit';

export const signingKeys: Migration = {
  id: '003_signing_keys',
  sql: `
    -- Managed signing keys (see apps/auth/src/keys/README.md). The private key is stored as a
    -- JWE encrypted under a key derived from AUTH_KEY_ENCRYPTION_KEY (keys/private-key.cipher.ts).
    -- One row per generation: the unique generation makes replicas that start or rotate at the
    -- same moment agree on one key (the loser's INSERT ... ON CONFLICT DO NOTHING is a no-op).
    -- The timeline is computed from activates_at alone: the key that signs at t is the newest one
    -- with activates_at <= t; a key is retired when the next one activates, and leaves the JWKS
    -- AUTH_KEY_RETENTION_SECONDS later.
    CREATE TABLE auth.signing_keys (
      generation      integer PRIMARY KEY CHECK (generation > 0),
      kid             text NOT NULL UNIQUE,
      alg             text NOT NULL CHECK (alg IN ('RS256', 'ES256', 'EdDSA')),
      public_jwk      jsonb NOT NULL,
      private_key_enc text NOT NULL,
      activates_at    timestamptz NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now()
    );
  `,
};
