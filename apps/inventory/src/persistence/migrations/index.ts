import type { Migration } from '@service-trust/service-kit';
import { stock } from './001_stock';
import { demoItems } from './002_demo_items';
import { idempotencyKeys } from './003_idempotency_keys';

/** The inventory schema's migrations, in the order they apply. Add new ones at the end. */
export const INVENTORY_MIGRATIONS: readonly Migration[] = [stock, demoItems, idempotencyKeys];

/** The schema the inventory service owns; no other service reads it. */
export const INVENTORY_SCHEMA = 'inventory';
