import {
  BUSINESS_SERVICE_SECRETS,
  type BusinessServiceConfig,
  businessServiceEnvironment,
  loadConfig,
  toBusinessServiceConfig,
} from '@service-trust/service-kit';

/** The inventory service's environment (see README.md, Configuration). */
export const inventoryEnvironment = businessServiceEnvironment(3002);

/** The typed configuration the inventory service is built from. */
export type InventoryConfig = BusinessServiceConfig;

export const INVENTORY_CONFIG = Symbol('INVENTORY_CONFIG');

/** Validates the environment once; throws a `ConfigError` naming every wrong variable. */
export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  return toBusinessServiceConfig(loadConfig(inventoryEnvironment, { env, secrets: BUSINESS_SERVICE_SECRETS }));
}
