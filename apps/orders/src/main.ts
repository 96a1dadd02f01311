import 'reflect-metadata';
import { ConfigError, createServiceApp, listen, loadLogLevel } from '@service-trust/service-kit';
import { AppModule } from './app.module';
import { loadOrdersConfig } from './config/orders.config';

async function main(): Promise<void> {
  const config = loadOrdersConfig();
  const app = await createServiceApp(AppModule.forRoot(config), { logger: loadLogLevel() });
  await listen(app, 'orders', config.port);
}

main().catch((error: unknown) => {
  // A configuration error names the variable; anything else gets its message only, never a
  // stack that could carry secrets from a connection string.
  const message = error instanceof ConfigError ? error.message : `orders failed to start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
