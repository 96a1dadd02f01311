import type { Migration } from '@service-trust/service-kit';

export const identities: Migration = {
  id: '001_identities',
  sql: `
    CREATE TABLE auth.users (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username      text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      roles         text[] NOT NULL DEFAULT '{}',
      scopes        text[] NOT NULL DEFAULT '{}',
      disabled      boolean NOT NULL DEFAULT false,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE auth.clients (
      client_id        text PRIMARY KEY,
      secret_hash      text NOT NULL,
      audiences        text[] NOT NULL DEFAULT '{}',
      scopes           text[] NOT NULL DEFAULT '{}',
      may_exchange_for text[] NOT NULL DEFAULT '{}',
      disabled         boolean NOT NULL DEFAULT false,
      created_at       timestamptz NOT NULL DEFAULT now()
    );
  `,
};
