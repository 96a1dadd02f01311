import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates a request value (a JSON body, a route parameter) against `schema`. A wrong value is a
 * 400 that names the field at fault, `{statusCode: 400, error: "invalid_request", message, field}`,
 * never a 500.
 *
 * @example
 * ```ts
 * const body = parseBody(z.object({ sku: z.string().min(1) }), request.body);
 * ```
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? undefined);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  const reason = issue?.message ?? 'is invalid';
  throw invalidRequest(field ? `${field}: ${reason}` : `Body: ${reason}`, field);
}

/** A 400 `invalid_request` naming `field` (a route parameter or body member). */
export function invalidRequest(message: string, field?: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'invalid_request', message, ...(field ? { field } : {}) });
}
