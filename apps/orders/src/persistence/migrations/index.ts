import type { Migration } from '@service-trust/service-kit';
import { orders } from './001_orders';

/** The orders schema's migrations, in the order they apply. Add new ones at the end. */
export const ORDERS_MIGRATIONS: readonly Migration[] = [orders];

/** The schema the orders service owns; no other service reads it. */
export const ORDERS_SCHEMA = 'orders';
