import type { ServiceAppOptions } from '@service-trust/service-kit';
import { type TestApp, startTestApp } from '@service-trust/service-kit/testing';
import { AppModule } from '../app.module';
import { type OrdersConfig, loadOrdersConfig } from '../config/orders.config';

export interface OrdersTestApp extends TestApp {
  readonly config: OrdersConfig;
}

/**
 * Starts the real orders app on an ephemeral port of 127.0.0.1 against `databaseUrl`,
 * trusting the issuer at `issuer` (e.g. a `TestIssuer`). `env` overrides any variable; `options`
 * ask for logs (silent by default).
 */
export async function startOrdersTestApp(
  databaseUrl: string,
  issuer: string,
  env: Record<string, string> = {},
  options: ServiceAppOptions = {},
): Promise<OrdersTestApp> {
  const config = loadOrdersConfig({
    DATABASE_URL: databaseUrl,
    AUTH_ISSUER: issuer,
    SERVICE_CLIENT_ID: 'orders-service',
    SERVICE_CLIENT_SECRET: 'orders-test-secret',
    ...env,
  });
  return { ...(await startTestApp(AppModule.forRoot(config), options)), config };
}

export { request } from '@service-trust/service-kit/testing';
