import type { SchemaObject } from '@nestjs/swagger';

/** OpenAPI descriptions of reservations (docs only; the bodies are validated with zod). */
export const CREATED_RESERVATION_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'sku', 'quantity', 'reservedFor', 'actor'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    sku: { type: 'string', example: 'SKU-MUG-002' },
    quantity: { type: 'integer', example: 1 },
    reservedFor: { type: 'string', description: 'The token `sub` (the user, for a delegated token)' },
    actor: { type: 'string', nullable: true, description: '`act.sub` of the token, or null', example: 'orders-service' },
  },
};

export const RESERVATION_SCHEMA: SchemaObject = {
  type: 'object',
  required: [...(CREATED_RESERVATION_SCHEMA.required ?? []), 'status', 'createdAt', 'cancelledAt'],
  properties: {
    ...CREATED_RESERVATION_SCHEMA.properties,
    status: { type: 'string', enum: ['active', 'cancelled'] },
    createdAt: { type: 'string', format: 'date-time' },
    cancelledAt: { type: 'string', format: 'date-time', nullable: true },
  },
};

export const INSUFFICIENT_STOCK_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer', example: 409 },
    error: { type: 'string', example: 'insufficient_stock' },
    message: { type: 'string' },
    available: { type: 'integer', example: 0 },
  },
};
