#!/usr/bin/env node
/**
 * `npm run compose:secrets`: generates every secret docker-compose.yml mounts, into `.secrets/`
 * (ignored by git and by the Docker build context). Idempotent: an existing file is kept; only
 * missing ones are written. `--force` regenerates everything (then `docker compose down -v`:
 * PostgreSQL only reads the database passwords when its volume is created).
 *
 *   node tools/compose/secrets.mjs [--force] [--dir <folder>] [--identities <template.json>]
 *
 * Files (names match the `secrets:` section of docker-compose.yml):
 *   postgres-password                  superuser of the compose PostgreSQL
 *   {auth,orders,inventory}-db-password   one role + database per service (deploy/compose/initdb)
 *   {auth,orders,inventory}-database-url  postgres://<svc>:<password>@postgres:5432/<svc>
 *   auth-key-encryption-key            AUTH_KEY_ENCRYPTION_KEY (encrypts signing keys at rest)
 *   {orders,inventory}-client-secret   SERVICE_CLIENT_SECRET of orders / inventory
 *   demo-identities.json               config/demo-identities.json with every password and client
 *                                      secret replaced by a generated one (orders-service and
 *                                      inventory-service get the two client secrets above)
 *
 * Modes: the folder is 0700 (only you can open it on the host); the files are 0644 because
 * compose bind-mounts each one as is into /run/secrets, where the services run as other users
 * (node = 1000, postgres = 999) and must be able to read them.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVICES = ['auth', 'orders', 'inventory'];
/** The demo client whose secret each business service gets as SERVICE_CLIENT_SECRET. */
export const SERVICE_CLIENTS = { orders: 'orders-service', inventory: 'inventory-service' };

const random = (bytes = 24) => randomBytes(bytes).toString('base64url');

function main() {
  const { values } = parseArgs({
    options: {
      force: { type: 'boolean', default: false },
      dir: { type: 'string', default: '.secrets' },
      identities: { type: 'string', default: 'config/demo-identities.json' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: node tools/compose/secrets.mjs [--force] [--dir .secrets] [--identities config/demo-identities.json]\n');
    return 0;
  }
  const dir = resolve(ROOT, values.dir);
  const show = (file) => relative(process.cwd(), resolve(dir, file)) || '.';
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);

  const written = [];
  const kept = [];
  /** The file's current value, or a new one written now. */
  const secret = (file, make) => {
    const path = resolve(dir, file);
    if (existsSync(path) && !values.force) {
      kept.push(file);
      return readFileSync(path, 'utf8').trim();
    }
    const value = make();
    writeFileSync(path, `${value}\n`, { mode: 0o644 });
    chmodSync(path, 0o644);
    written.push(file);
    return value;
  };

  secret('postgres-password', () => random());
  for (const service of SERVICES) {
    const password = secret(`${service}-db-password`, () => random());
    const url = secret(`${service}-database-url`, () => databaseUrl(service, password));
    if (url !== databaseUrl(service, password)) {
      throw new Error(
        `${show(`${service}-database-url`)} does not carry the password of ${show(`${service}-db-password`)}. ` +
          'Run with --force to regenerate all secrets (then `docker compose down -v`: the database keeps the old passwords).',
      );
    }
  }
  secret('auth-key-encryption-key', () => random(32));
  const clientSecrets = Object.fromEntries(
    Object.entries(SERVICE_CLIENTS).map(([service, clientId]) => [clientId, secret(`${service}-client-secret`, () => random())]),
  );

  const identitiesFile = 'demo-identities.json';
  const identities = JSON.parse(
    secret(identitiesFile, () => JSON.stringify(demoIdentities(resolve(ROOT, values.identities), clientSecrets), null, 2)),
  );
  for (const [clientId, value] of Object.entries(clientSecrets)) {
    const client = (identities.clients ?? []).find((c) => c.client_id === clientId);
    if (!client || client.client_secret !== value) {
      throw new Error(
        `${show(identitiesFile)} has ${client ? 'another secret' : 'no client'} for ${clientId} than the service gets. ` +
          'Run with --force to regenerate all secrets.',
      );
    }
  }

  if (written.length) process.stdout.write(`compose secrets: wrote ${written.map(show).join(', ')}\n`);
  if (kept.length && !written.length) process.stdout.write(`compose secrets: all present in ${show('.')} (kept; --force regenerates)\n`);
  else if (kept.length) process.stdout.write(`compose secrets: kept ${kept.length} existing file(s)\n`);
  return 0;
}

export function databaseUrl(service, password) {
  return `postgres://${service}:${password}@postgres:5432/${service}`;
}

/** The template's identities, each password and client secret replaced by a generated one. */
function demoIdentities(template, clientSecrets) {
  const source = JSON.parse(readFileSync(template, 'utf8'));
  const clients = source.clients ?? [];
  for (const clientId of Object.keys(clientSecrets)) {
    if (!clients.some((c) => c.client_id === clientId)) throw new Error(`${template} has no client ${clientId}`);
  }
  return {
    users: (source.users ?? []).map((user) => ({ ...user, password: `${user.username}-${random(18)}` })),
    clients: clients.map((client) => ({ ...client, client_secret: clientSecrets[client.client_id] ?? random() })),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main();
  } catch (error) {
    process.stderr.write(`compose secrets: ${error.message}\n`);
    process.exitCode = 1;
  }
}
