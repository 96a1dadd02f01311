/**
 * The stack under test, wired through fault injectors:
 *
 *   auth ──(authDb: TcpProxy)──► PostgreSQL            orders ──(ordersDb: TcpProxy)──► PostgreSQL
 *   orders, inventory, probes ──(jwks: HttpProxy, route /p/<name>)──► auth's JWKS
 *   orders ──(inventoryProxy: HttpProxy)──► inventory  inventory ──► PostgreSQL
 *
 * One fresh database per stack (each service its own schema). Secrets are generated per run.
 */
import { createTestDatabase, type TestDatabase } from '@service-trust/service-kit/testing';
import { randomBytes } from 'node:crypto';
import {
  HttpProxy,
  type Identities,
  LOOPBACK,
  ServiceProcess,
  TcpProxy,
  freePort,
  makeIdentities,
  onCleanup,
  scratchDir,
  writeIdentities,
} from './harness';

export interface StackOptions {
  /** Extra environment of auth (e.g. AUTH_KEY_PREPUBLISH_SECONDS, AUTH_RATE_LIMIT). */
  authEnv?: NodeJS.ProcessEnv;
  /** Names of extra inventory processes whose JWKS goes through `/p/<name>` of the JWKS proxy. */
  probes?: string[];
  /** Extra environment of orders (e.g. RECONCILE_INTERVAL_MS, RECONCILE_AFTER_MS). */
  ordersEnv?: NodeJS.ProcessEnv;
}

export interface Stack {
  readonly identities: Identities;
  readonly db: TestDatabase;
  readonly authDb: TcpProxy;
  readonly ordersDb: TcpProxy;
  readonly jwks: HttpProxy;
  readonly inventoryProxy: HttpProxy;
  readonly auth: ServiceProcess;
  readonly orders: ServiceProcess;
  readonly inventory: ServiceProcess;
  readonly probes: Map<string, ServiceProcess>;
  readonly keyEncryptionKey: string;
  client(id: string): { client_id: string; client_secret: string };
  user(name: string): { username: string; password: string };
  /** A new auth process on the same port, database and secrets (after `auth.stop()`). */
  restartAuth(): Promise<ServiceProcess>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = scratchDir();
  const identities = makeIdentities();
  const identitiesFile = writeIdentities(dir, identities);
  const db = await createTestDatabase('postgres');
  onCleanup(() => db.drop());
  const real = new URL(db.url);
  const authDb = await new TcpProxy(real.hostname, Number(real.port || 5432)).listen();
  const ordersDb = await new TcpProxy(real.hostname, Number(real.port || 5432)).listen();
  const via = (proxy: TcpProxy) => {
    const url = new URL(db.url);
    url.hostname = LOOPBACK;
    url.port = String(proxy.port);
    return url.toString();
  };
  const [authPort, ordersPort, inventoryPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const issuer = `http://${LOOPBACK}:${authPort}`;
  const jwks = await new HttpProxy(() => issuer).listen();
  const inventoryProxy = await new HttpProxy(() => `http://${LOOPBACK}:${inventoryPort}`).listen();
  const keyEncryptionKey = randomBytes(32).toString('base64url');
  const client = (id: string) => identities.clients.find((c) => c.client_id === id)!;
  const user = (name: string) => identities.users.find((u) => u.username === name)!;
  const jwksUri = (name: string) => `${jwks.url}/p/${name}/.well-known/jwks.json`;

  const authEnv: NodeJS.ProcessEnv = {
    DATABASE_URL: via(authDb),
    AUTH_ISSUER: issuer,
    AUTH_KEY_ENCRYPTION_KEY: keyEncryptionKey,
    DEMO_IDENTITIES_FILE: identitiesFile,
    AUTH_RATE_LIMIT: '100000',
    ...options.authEnv,
  };
  const business = (name: string, clientId: string): NodeJS.ProcessEnv => ({
    AUTH_ISSUER: issuer,
    AUTH_JWKS_URI: jwksUri(name),
    SERVICE_CLIENT_ID: clientId,
    SERVICE_CLIENT_SECRET: client(clientId).client_secret,
  });

  const auth = await new ServiceProcess('auth', authPort, authEnv).start();
  const inventory = new ServiceProcess('inventory', inventoryPort, { ...business('inventory', 'inventory-service'), DATABASE_URL: db.url });
  const orders = new ServiceProcess('orders', ordersPort, {
    ...business('orders', 'orders-service'),
    DATABASE_URL: via(ordersDb),
    INVENTORY_URL: inventoryProxy.url,
    ...options.ordersEnv,
  });
  await inventory.start();
  const probes = new Map<string, ServiceProcess>();
  const probePorts = await Promise.all((options.probes ?? []).map(() => freePort()));
  await Promise.all([
    orders.start(),
    ...(options.probes ?? []).map(async (name, i) => {
      const probe = new ServiceProcess('inventory', probePorts[i]!, { ...business(name, 'inventory-service'), DATABASE_URL: db.url });
      probes.set(name, probe);
      await probe.start();
    }),
  ]);

  const stack: Stack = {
    identities,
    db,
    authDb,
    ordersDb,
    jwks,
    inventoryProxy,
    auth,
    orders,
    inventory,
    probes,
    keyEncryptionKey,
    client,
    user,
    async restartAuth() {
      const next = await new ServiceProcess('auth', authPort, authEnv).start();
      (stack as { auth: ServiceProcess }).auth = next;
      return next;
    },
  };
  return stack;
}
