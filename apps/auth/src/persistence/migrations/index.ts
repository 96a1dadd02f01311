import type { Migration } from '@service-trust/service-kit';
import { identities } from './001_identities';
import { tokens } from './002_tokens';
import { signingKeys } from './003_signing_keys';
import { signingKeyRevocation } from './004_signing_key_revocation';

/** The auth schema's migrations, in the order they apply. Add new ones at the end. */
export const AUTH_MIGRATIONS: readonly Migration[] = [identities, tokens, signingKeys, signingKeyRevocation];

/** The schema the auth service owns; no other service reads it. */
export const AUTH_SCHEMA = 'auth';
