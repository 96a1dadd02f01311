import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@service-trust/service-kit';
import { AppModule } from '../app.module';
import { type OrdersConfig, loadOrdersConfig } from '../config/orders.config';

export interface OrdersTestApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly config: OrdersConfig;
  close(): Promise<void>;
}

/**
 * Starts the real orders app on an ephemeral port of 127.0.0.1 against `databaseUrl`,
 * trusting the issuer at `issuer` (e.g. a `TestIssuer`). `env` overrides any variable.
 */
export async function startOrdersTestApp(databaseUrl: string, issuer: string, env: Record<string, string> = {}): Promise<OrdersTestApp> {
  const config = loadOrdersConfig({
    DATABASE_URL: databaseUrl,
    AUTH_ISSUER: issuer,
    SERVICE_CLIENT_ID: 'orders-service',
    SERVICE_CLIENT_SECRET: 'orders-test-secret',
    ...env,
  });
  const app = await createServiceApp(AppModule.forRoot(config), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}`, config, close: () => app.close() };
}

/** A JSON request to a test app: status, headers and parsed body. */
export async function request(method: string, url: string, options: { token?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    ...(options.json !== undefined ? { body: typeof options.json === 'string' ? options.json : JSON.stringify(options.json) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: body as Record<string, unknown> & unknown[] };
}
