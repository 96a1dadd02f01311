import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** Name of the bearer (access token) security scheme in every service's OpenAPI document. */
export const BEARER_AUTH = 'bearer';
/** Name of the HTTP Basic client-authentication scheme (`client_secret_basic`), in auth's document. */
export const CLIENT_BASIC_AUTH = 'client';

/** `{statusCode, error, message, field?}`: what a service answers for a 4xx/5xx of its own. */
export const ERROR_BODY_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', description: 'A stable error code', example: 'invalid_request' },
    message: { type: 'string', example: 'quantity: must be at least 1' },
    field: { type: 'string', description: 'The request field at fault, for a 400', example: 'quantity' },
  },
};

/** `{statusCode, error, code, message}`: what the auth guard answers (RFC 6750), with `WWW-Authenticate`. */
export const GUARD_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'error', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 401 },
    error: { type: 'string', description: 'RFC 6750 error', enum: ['invalid_request', 'invalid_token', 'insufficient_scope'] },
    code: { type: 'string', description: 'The precise reason, stable across versions', example: 'token_expired' },
    message: { type: 'string', example: 'The access token expired' },
  },
};

const CHALLENGE = {
  'WWW-Authenticate': { description: 'RFC 6750 challenge, e.g. `Bearer realm="orders", error="invalid_token"`', schema: { type: 'string' } },
};

/** The OpenAPI (3.0) schema of a zod schema, as the request it validates accepts it. */
export function openApiSchemaOf(schema: z.ZodType): SchemaObject {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json['$schema'];
  return json as SchemaObject;
}

/** An error answer of a route: `status`, what it means, and the {@link ERROR_BODY_SCHEMA} body. */
export function ApiErrorResponse(status: number, description: string, schema: SchemaObject = ERROR_BODY_SCHEMA): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, schema });
}

/**
 * Documents a route (or every route of a controller) that needs a bearer token: the `bearer`
 * security requirement and the guard's 401 and 403 answers with their `WWW-Authenticate` header.
 * `scopes`, when given, are named in the 403's description.
 */
export function ApiBearerProtected(...scopes: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_AUTH),
    ApiResponse({ status: 401, description: 'No token, or an invalid one (expired, wrong audience, bad signature...)', schema: GUARD_ERROR_SCHEMA, headers: CHALLENGE }),
    ApiResponse({
      status: 403,
      description: scopes.length ? `The token lacks a scope (${scopes.join(', ')}) or its caller is not allowed` : 'The token is valid but not allowed here',
      schema: GUARD_ERROR_SCHEMA,
      headers: CHALLENGE,
    }),
  );
}
