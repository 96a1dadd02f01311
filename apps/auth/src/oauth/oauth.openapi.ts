import type { SchemaObject } from '@nestjs/swagger';

/** OpenAPI descriptions of the OAuth endpoints' form-encoded requests and their answers (docs only). */

const clientPost: Record<string, SchemaObject> = {
  client_id: { type: 'string', description: '`client_secret_post` only (else use HTTP Basic)', example: 'orders-service' },
  client_secret: { type: 'string', description: '`client_secret_post` only (else use HTTP Basic)', format: 'password' },
};

export const TOKEN_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['grant_type', 'audience'],
  properties: {
    grant_type: { type: 'string', enum: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'] },
    audience: { type: 'string', description: 'The service the token is for', example: 'inventory' },
    scope: { type: 'string', description: 'Space-separated scopes; default: all the client (or user) may have', example: 'inventory:read' },
    subject_token: { type: 'string', description: 'Token exchange: the user access token to act on behalf of' },
    subject_token_type: { type: 'string', enum: ['urn:ietf:params:oauth:token-type:access_token'], description: 'Token exchange only' },
    requested_token_type: { type: 'string', enum: ['urn:ietf:params:oauth:token-type:access_token'], description: 'Token exchange only (optional)' },
    ...clientPost,
  },
};

export const TOKEN_RESPONSE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in', 'scope'],
  properties: {
    access_token: { type: 'string', description: 'RFC 9068 JWT (`typ: at+jwt`)' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', example: 300 },
    scope: { type: 'string', example: 'inventory:read inventory:reserve' },
    issued_token_type: { type: 'string', description: 'Token exchange only', example: 'urn:ietf:params:oauth:token-type:access_token' },
  },
};

/** RFC 6749 §5.2 error body. */
export const OAUTH_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', example: 'invalid_client', description: 'invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope, invalid_target...' },
    error_description: { type: 'string' },
  },
};

export const TOKEN_PARAM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['token'],
  properties: {
    token: { type: 'string', description: 'An access token or a refresh token' },
    token_type_hint: { type: 'string', enum: ['access_token', 'refresh_token'] },
    ...clientPost,
  },
};

export const INTROSPECTION_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['active'],
  properties: {
    active: { type: 'boolean' },
    token_type: { type: 'string', example: 'Bearer' },
    sub: { type: 'string' },
    client_id: { type: 'string' },
    scope: { type: 'string' },
    aud: { type: 'string' },
    exp: { type: 'integer' },
  },
};
