/**
 * The services `npm start` runs, in start order. Each is `node apps/<name>/dist/main.js`.
 * A service that is not `required` is started only when it has been built.
 */
export interface ServiceDefinition {
  readonly name: string;
  /** Environment variable that overrides the port. */
  readonly portVariable: string;
  readonly defaultPort: number;
  /** The demo client (config/demo-identities.json) whose credentials it gets as SERVICE_CLIENT_ID/SECRET. */
  readonly clientId?: string;
  /** Whether the stack cannot run without it. */
  readonly required: boolean;
}

export const SERVICES: readonly ServiceDefinition[] = [
  { name: 'auth', portVariable: 'AUTH_PORT', defaultPort: 3000, required: true },
  { name: 'inventory', portVariable: 'INVENTORY_PORT', defaultPort: 3002, clientId: 'inventory-service', required: false },
  { name: 'orders', portVariable: 'ORDERS_PORT', defaultPort: 3001, clientId: 'orders-service', required: false },
];

/**
 * Node options every service runs with, here and in the container image (its NODE_OPTIONS).
 * V8 grows the young generation to 16 MB semi-spaces while a service starts, and keeps them
 * resident: capped at 8 MB, an idle service holds about 13 MiB less (147 → 134 MiB measured for
 * orders), and short-lived request garbage still dies young. See bench/RESULTS.md.
 */
export const SERVICE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=8'];

/** Where the embedded database listens unless EMBEDDED_PG_PORT says otherwise (5432 is often taken). */
export const DEFAULT_EMBEDDED_PG_PORT = 54329;
