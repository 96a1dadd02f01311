import type { Migration } from '@service-trust/service-kit';
import { orders } from './001_orders';
import { orderIntent } from './002_order_intent';

/** The orders schema's migrations, in the order they apply. Add new ones at the end. */
export const ORDERS_MIGRATIONS: readonly Migration[] = [orders, orderIntent];

/** The schema the orders service owns; no other service reads it. */
export const ORDERS_SCHEMA = 'orders';
