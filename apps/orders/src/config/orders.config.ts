import {
  BUSINESS_SERVICE_SECRETS,
  type BusinessServiceConfig,
  businessServiceEnvironment,
  loadConfig,
  toBusinessServiceConfig,
} from '@service-trust/service-kit';
import { z } from 'zod';

/** The orders service's environment: the shared business-service variables plus `INVENTORY_URL`. */
export const ordersEnvironment = businessServiceEnvironment(3001).extend({
  INVENTORY_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default('http://localhost:3002'),
});

/** The typed configuration the orders service is built from. */
export interface OrdersConfig extends BusinessServiceConfig {
  /** Base URL of the inventory service, without a trailing slash. */
  readonly inventoryUrl: string;
}

export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');

/** Validates the environment once; throws a `ConfigError` naming every wrong variable. */
export function loadOrdersConfig(env: NodeJS.ProcessEnv = process.env): OrdersConfig {
  const e = loadConfig(ordersEnvironment, { env, secrets: BUSINESS_SERVICE_SECRETS });
  return { ...toBusinessServiceConfig(e), inventoryUrl: e.INVENTORY_URL.replace(/\/+$/, '') };
}
