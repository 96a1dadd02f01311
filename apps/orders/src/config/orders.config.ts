import {
  BUSINESS_SERVICE_SECRETS,
  type BusinessServiceConfig,
  businessServiceEnvironment,
  loadConfig,
  toBusinessServiceConfig,
} from '@service-trust/service-kit';
import { z } from 'zod';

const milliseconds = (fallback: number) => z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(0).default(fallback);

/**
 * The orders service's environment: the shared business-service variables plus `INVENTORY_URL`
 * and the reconciler's `RECONCILE_INTERVAL_MS` (0 = off) and `RECONCILE_AFTER_MS`.
 */
export const ordersEnvironment = businessServiceEnvironment(3001).extend({
  INVENTORY_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default('http://localhost:3002'),
  RECONCILE_INTERVAL_MS: milliseconds(60_000),
  RECONCILE_AFTER_MS: milliseconds(30_000),
});

/** The typed configuration the orders service is built from. */
export interface OrdersConfig extends BusinessServiceConfig {
  /** Base URL of the inventory service, without a trailing slash. */
  readonly inventoryUrl: string;
  /** The reconciler of `pending` orders: how often it runs (0 = never), and how old an order must be. */
  readonly reconcile: { readonly intervalMs: number; readonly afterMs: number };
}

export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');

/** Validates the environment once; throws a `ConfigError` naming every wrong variable. */
export function loadOrdersConfig(env: NodeJS.ProcessEnv = process.env): OrdersConfig {
  const e = loadConfig(ordersEnvironment, { env, secrets: BUSINESS_SERVICE_SECRETS });
  return {
    ...toBusinessServiceConfig(e),
    inventoryUrl: e.INVENTORY_URL.replace(/\/+$/, ''),
    reconcile: { intervalMs: e.RECONCILE_INTERVAL_MS, afterMs: e.RECONCILE_AFTER_MS },
  };
}
