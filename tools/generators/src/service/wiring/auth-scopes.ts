import type { Tree } from '@nx/devkit';
import type { NormalizedServiceOptions } from '../schema.ts';
import { formatJson } from './format-json.ts';
import { appendMember, escapeRegExp, objectKey, readText, WiringError } from './text-edits.ts';

export const SCOPES_FILE = 'apps/auth/src/config/scopes.ts';
export const DEMO_IDENTITIES_FILE = 'config/demo-identities.json';

/** Adds `<name>: ['<name>:read', '<name>:write']` as the last entry of `SCOPES_BY_AUDIENCE`. */
export function addAudienceScopes(tree: Tree, options: NormalizedServiceOptions): void {
  const byHand = `add ${objectKey(options.name)}: ['${options.name}:read', '${options.name}:write'] to SCOPES_BY_AUDIENCE yourself`;
  const text = readText(tree, SCOPES_FILE, byHand);
  const opening = /export const SCOPES_BY_AUDIENCE\b[^=]*=\s*\{/;
  const start = text.search(opening);
  const end = start < 0 ? -1 : text.indexOf('\n};', start);
  if (start < 0 || end < 0) {
    throw new WiringError(SCOPES_FILE, 'no `export const SCOPES_BY_AUDIENCE ... = {` closed by `};` at the start of a line', byHand);
  }
  const existing = new RegExp(`^\\s*['"]?${escapeRegExp(options.name)}['"]?\\s*:`, 'm');
  if (existing.test(text.slice(start, end))) {
    throw new WiringError(SCOPES_FILE, `SCOPES_BY_AUDIENCE already has the audience "${options.name}"`, 'choose another name');
  }
  const line = `  ${objectKey(options.name)}: ['${options.name}:read', '${options.name}:write'],`;
  tree.write(SCOPES_FILE, appendMember(text, opening, '};', line) ?? text);
}

interface DemoIdentitiesJson {
  users?: unknown[];
  clients?: { client_id?: string }[];
}

/**
 * Adds the service's own demo client `<name>-service`, allowed a token for its own audience with
 * `<name>:read` (so the example route can be tried with client_credentials at once), with a
 * secret generated now. Demo identities are loaded only outside production.
 */
export function addDemoClient(tree: Tree, options: NormalizedServiceOptions, clientSecret: string): void {
  const byHand = `add the client "${options.clientId}" to its "clients" yourself`;
  const text = readText(tree, DEMO_IDENTITIES_FILE, byHand);
  let json: DemoIdentitiesJson;
  try {
    json = JSON.parse(text) as DemoIdentitiesJson;
  } catch {
    throw new WiringError(DEMO_IDENTITIES_FILE, 'not valid JSON', byHand);
  }
  if (!Array.isArray(json.clients)) throw new WiringError(DEMO_IDENTITIES_FILE, 'no "clients" array', byHand);
  if (json.clients.some((client) => client.client_id === options.clientId)) {
    throw new WiringError(DEMO_IDENTITIES_FILE, `the client "${options.clientId}" exists already`, 'choose another name');
  }
  json.clients.push({
    client_id: options.clientId,
    client_secret: clientSecret,
    audiences: [options.name],
    scopes: [`${options.name}:read`],
    may_exchange_for: [],
  } as { client_id: string });
  tree.write(DEMO_IDENTITIES_FILE, `${formatJson(json)}\n`);
}
