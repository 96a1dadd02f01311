import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates a JSON body against `schema`; a wrong body is a 400 that names the field at fault
 * (`{statusCode, error: "invalid_request", message, field}`), never a 500.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? undefined);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.') || undefined;
  throw new BadRequestException({
    statusCode: 400,
    error: 'invalid_request',
    message: field ? `${field}: ${issue.message}` : `Body: ${issue.message}`,
    field,
  });
}
