import type { ServiceAppOptions } from '@service-trust/service-kit';
import { type TestApp, startTestApp } from '@service-trust/service-kit/testing';
import { AppModule } from '../app.module';
import { type InventoryConfig, loadInventoryConfig } from '../config/inventory.config';

export interface InventoryTestApp extends TestApp {
  readonly config: InventoryConfig;
}

/**
 * Starts the real inventory app on an ephemeral port of 127.0.0.1 against `databaseUrl`,
 * trusting the issuer at `issuer` (e.g. a `TestIssuer`). `env` overrides any variable; `options`
 * ask for logs (silent by default).
 */
export async function startInventoryTestApp(
  databaseUrl: string,
  issuer: string,
  env: Record<string, string> = {},
  options: ServiceAppOptions = {},
): Promise<InventoryTestApp> {
  const config = loadInventoryConfig({
    DATABASE_URL: databaseUrl,
    AUTH_ISSUER: issuer,
    SERVICE_CLIENT_ID: 'inventory-service',
    SERVICE_CLIENT_SECRET: 'inventory-test-secret',
    ...env,
  });
  return { ...(await startTestApp(AppModule.forRoot(config), options)), config };
}

export { request } from '@service-trust/service-kit/testing';
