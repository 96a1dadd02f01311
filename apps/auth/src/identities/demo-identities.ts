import { z } from 'zod';
import { ALL_SCOPES, SCOPES_BY_AUDIENCE } from '../config/scopes';

const scope = z.enum(ALL_SCOPES as [string, ...string[]]);
const audience = z.enum(Object.keys(SCOPES_BY_AUDIENCE) as [string, ...string[]]);

/** The shape of `config/demo-identities.json` (development only). */
export const demoIdentitiesSchema = z.object({
  users: z.array(
    z.object({
      username: z.string().min(1),
      password: z.string().min(8),
      roles: z.array(z.string()).default([]),
      scopes: z.array(scope).default([]),
    }),
  ),
  clients: z.array(
    z.object({
      client_id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
      client_secret: z.string().min(16, 'client secrets must be at least 16 characters'),
      audiences: z.array(audience).default([]),
      scopes: z.array(scope).default([]),
      may_exchange_for: z.array(audience).default([]),
    }),
  ),
});

export type DemoIdentities = z.infer<typeof demoIdentitiesSchema>;
