import type { SchemaObject } from '@nestjs/swagger';

/** OpenAPI descriptions of orders (docs only; the body is validated with zod). */
export const PLACED_ORDER_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'sku', 'quantity', 'status', 'reservationId'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    sku: { type: 'string', example: 'SKU-MUG-002' },
    quantity: { type: 'integer', example: 1 },
    status: { type: 'string', enum: ['reserved'] },
    reservationId: { type: 'string', format: 'uuid', description: 'The reservation in inventory' },
  },
};

export const ORDER_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    ...PLACED_ORDER_SCHEMA.properties,
    createdAt: { type: 'string', format: 'date-time' },
  },
};
