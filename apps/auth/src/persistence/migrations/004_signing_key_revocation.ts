import type { Migration } from '@service-trust/service-kit';

export const signingKeyRevocation: Migration = {
  id: '004_signing_key_revocation',
  sql: `
    -- Emergency removal of a key (POST /admin/keys/:kid/revoke): a revoked key leaves the JWKS
    -- and stops verifying at once on every replica that has re-read the table (at most 30 s);
    -- verifiers drop it when their JWKS cache expires. The row stays, for the audit trail and so
    -- that its generation is never reused.
    ALTER TABLE auth.signing_keys ADD COLUMN revoked_at timestamptz;
  `,
};
