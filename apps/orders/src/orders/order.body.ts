import { z } from 'zod';

/**
 * `POST /orders` body; the same rules inventory applies, checked here first so a bad body never
 * costs a token exchange or a call.
 */
export const orderBody = z.object({
  sku: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  quantity: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000'),
});

export type OrderBody = z.infer<typeof orderBody>;
