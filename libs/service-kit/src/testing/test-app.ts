import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, type ServiceAppOptions } from '../bootstrap/bootstrap-service';

export interface TestApp {
  readonly app: NestFastifyApplication;
  /** `http://127.0.0.1:<ephemeral port>` */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * Starts a service's real module exactly as `main.ts` does, on an ephemeral port of 127.0.0.1:
 * silent, unless `options` ask for logs (e.g. `{ logger: 'debug', logDestination }` to capture them).
 */
export async function startTestApp(module: DynamicModule, options: ServiceAppOptions = {}): Promise<TestApp> {
  const app = await createServiceApp(module, { logger: false, ...options });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or the text when it is not JSON. */
  readonly body: Record<string, unknown> & unknown[];
}

/** A request to a test app: a bearer token and a JSON body are optional. */
export async function request(
  method: string,
  url: string,
  options: { token?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<TestResponse> {
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
  return { status: response.status, headers: response.headers, body: body as TestResponse['body'] };
}
