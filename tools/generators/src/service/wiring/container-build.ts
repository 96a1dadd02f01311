import type { Tree } from '@nx/devkit';
import type { NormalizedServiceOptions } from '../schema.ts';
import { readText, WiringError } from './text-edits.ts';

export const COMPOSE_SECRETS_SCRIPT = 'tools/compose/secrets.mjs';
export const INITDB_SCRIPT = 'deploy/compose/initdb/10-service-databases.sh';
export const DOCKERFILE = 'Dockerfile';

/** Replaces the single match of `pattern` through `edit`, or throws a {@link WiringError}. */
function editOnce(tree: Tree, file: string, pattern: RegExp, edit: (match: RegExpExecArray) => string, what: string, byHand: string): void {
  const text = readText(tree, file, byHand);
  const match = pattern.exec(text);
  if (!match) throw new WiringError(file, `no ${what}`, byHand);
  tree.write(file, text.slice(0, match.index) + edit(match) + text.slice(match.index + match[0].length));
}

/**
 * `npm run compose:secrets` writes the service's database password and URL and its client secret
 * (and puts that secret into the generated demo identities); the PostgreSQL init script creates its
 * role and database.
 */
export function addComposeSecrets(tree: Tree, options: NormalizedServiceOptions): void {
  const { name, clientId } = options;
  editOnce(
    tree,
    COMPOSE_SECRETS_SCRIPT,
    /export const SERVICES = \[([^\]]*)\];/,
    (m) => `export const SERVICES = [${(m[1] ?? '').trimEnd()}, '${name}'];`,
    "`export const SERVICES = [...]`",
    `add '${name}' to SERVICES yourself`,
  );
  editOnce(
    tree,
    COMPOSE_SECRETS_SCRIPT,
    /export const SERVICE_CLIENTS = \{([^}]*)\};/,
    (m) => `export const SERVICE_CLIENTS = {${(m[1] ?? '').replace(/\s*$/, '')}, ${/^\w+$/.test(name) ? name : `'${name}'`}: '${clientId}' };`,
    '`export const SERVICE_CLIENTS = { ... }`',
    `add ${name}: '${clientId}' to SERVICE_CLIENTS yourself`,
  );
  editOnce(
    tree,
    INITDB_SCRIPT,
    /\$\{SERVICE_DATABASES:-([^}]*)\}/,
    (m) => `\${SERVICE_DATABASES:-${(m[1] ?? '').trim()} ${name}}`,
    '`${SERVICE_DATABASES:-auth orders inventory}` default list',
    `add ${name} to the default SERVICE_DATABASES yourself`,
  );
}

/** The image builds and ships the new app next to the others. */
export function addToImage(tree: Tree, options: NormalizedServiceOptions): void {
  const byHand = `build ${options.projectName} and copy ${options.directory}/dist in the image yourself`;
  editOnce(
    tree,
    DOCKERFILE,
    /--projects=([^\s\\]+)/,
    (m) => `--projects=${m[1]},${options.projectName}`,
    'nx run-many `--projects=...` list of the apps to build',
    byHand,
  );
  editOnce(
    tree,
    DOCKERFILE,
    /for dir in ((?:apps\/[\w-]+ )+)libs\/\*/,
    (m) => `for dir in ${m[1]}${options.directory} libs/*`,
    '`for dir in apps/... libs/*` copy loop',
    byHand,
  );
}
