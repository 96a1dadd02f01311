import type { Tree } from '@nx/devkit';
import { parse } from 'yaml';
import type { NormalizedServiceOptions } from '../schema.ts';
import { endOfLastMatch, indentAt, insertAt, readText, WiringError } from './text-edits.ts';

export const COMPOSE_FILE = 'docker-compose.yml';

interface ComposeFile {
  services?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
}

/** The compose secret names of a service (files in .secrets/ written by `npm run compose:secrets`). */
export function composeSecrets(name: string) {
  return {
    dbPassword: `${name}_db_password`,
    databaseUrl: `${name}_database_url`,
    clientSecret: `${name}_client_secret`,
  };
}

function serviceBlock(options: NormalizedServiceOptions): string {
  const secrets = composeSecrets(options.name);
  return [
    `  ${options.name}:`,
    '    <<: *app',
    `    command: ["node", "${options.directory}/dist/main.js"]`,
    '    environment:',
    '      NODE_ENV: production',
    `      PORT: "${options.port}"`,
    '      AUTH_ISSUER: ${AUTH_ISSUER:-http://localhost:3000}',
    '      AUTH_JWKS_URI: http://auth:3000/.well-known/jwks.json',
    '      AUTH_TOKEN_URL: http://auth:3000/oauth/token',
    `      DATABASE_URL_FILE: /run/secrets/${secrets.databaseUrl}`,
    `      SERVICE_CLIENT_ID: ${options.clientId}`,
    `      SERVICE_CLIENT_SECRET_FILE: /run/secrets/${secrets.clientSecret}`,
    '    secrets:',
    `      - ${secrets.databaseUrl}`,
    `      - ${secrets.clientSecret}`,
    '    # No `ports:`: reachable only on the internal network.',
    '    networks: [internal]',
    '    depends_on:',
    '      postgres:',
    '        condition: service_healthy',
    '      auth:',
    '        condition: service_healthy',
    '    healthcheck: *ready',
    '',
  ].join('\n');
}

/**
 * Adds the service to docker-compose.yml, modeled on inventory: on the internal network only, its
 * database URL and client secret mounted from files; its database password to postgres (for
 * deploy/compose/initdb); the three secrets in the top-level `secrets:`. The result must parse.
 */
export function addComposeService(tree: Tree, options: NormalizedServiceOptions): void {
  const byHand = `add a service "${options.name}" modeled on inventory yourself`;
  let text = readText(tree, COMPOSE_FILE, byHand);
  const before = parseCompose(text, byHand);
  if (before.services?.[options.name] !== undefined) {
    throw new WiringError(COMPOSE_FILE, `the service "${options.name}" exists already`, 'choose another name');
  }
  const secrets = composeSecrets(options.name);
  for (const [what, pattern] of [
    ['the `&app` anchor (x-app)', /&app\b/],
    ['the `&ready` healthcheck anchor', /&ready\b/],
  ] as const) {
    if (!pattern.test(text)) throw new WiringError(COMPOSE_FILE, `no ${what}`, byHand);
  }

  // 1. postgres mounts every *_db_password: after the last one.
  const dbPasswordLine = /^([ \t]+)- \w[\w-]*_db_password[ \t]*$/gm;
  const afterPasswords = endOfLastMatch(text, dbPasswordLine);
  if (afterPasswords < 0) throw new WiringError(COMPOSE_FILE, 'no `- <service>_db_password` secret of postgres', byHand);
  const indent = indentAt(text, afterPasswords);
  text = insertAt(text, afterPasswords, `\n${indent}- ${secrets.dbPassword}`);

  // 2. The service, before the top-level `networks:`.
  const networks = /^networks:/m.exec(text);
  if (!networks) throw new WiringError(COMPOSE_FILE, 'no top-level `networks:` after the services', byHand);
  text = insertAt(text, networks.index, `${serviceBlock(options)}\n`);

  // 3. The secrets, at the end of the top-level `secrets:` block.
  const topSecrets = /^secrets:[ \t]*$/m.exec(text);
  if (!topSecrets) throw new WiringError(COMPOSE_FILE, 'no top-level `secrets:`', byHand);
  const next = /^\S/m.exec(text.slice(topSecrets.index + topSecrets[0].length));
  const blockEnd = next ? topSecrets.index + topSecrets[0].length + next.index : text.length;
  const body = text.slice(0, blockEnd).replace(/\s*$/, '');
  const entries = [
    [secrets.dbPassword, `${options.name}-db-password`],
    [secrets.databaseUrl, `${options.name}-database-url`],
    [secrets.clientSecret, `${options.name}-client-secret`],
  ]
    .map(([secret, file]) => `  ${secret}:\n    file: ./.secrets/${file}`)
    .join('\n');
  text = `${body}\n${entries}\n${next ? `\n${text.slice(blockEnd)}` : ''}`;

  const after = parseCompose(text, byHand);
  const missing = [secrets.dbPassword, secrets.databaseUrl, secrets.clientSecret].filter((s) => after.secrets?.[s] === undefined);
  if (after.services?.[options.name] === undefined || missing.length) {
    throw new WiringError(COMPOSE_FILE, 'the edit did not give the expected service and secrets', byHand);
  }
  tree.write(COMPOSE_FILE, text);
}

function parseCompose(text: string, byHand: string): ComposeFile {
  try {
    return (parse(text, { merge: true }) ?? {}) as ComposeFile;
  } catch (error) {
    throw new WiringError(COMPOSE_FILE, `not valid YAML (${(error as Error).message.split('\n')[0]})`, byHand);
  }
}
