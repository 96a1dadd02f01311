import { joinPathFragments, names, readJson, type Tree } from '@nx/devkit';
import type { NormalizedServiceOptions, ServiceGeneratorSchema } from './schema.ts';
import { readStackServices } from './wiring/stack-services.ts';

/** The reference stack's services and names its routes or tooling already use. */
export const RESERVED_NAMES: readonly string[] = ['auth', 'orders', 'inventory', 'health', 'whoami', 'admin', 'oauth', 'stack', 'tools'];
const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Validates the options against the workspace and fills in the defaults. Throws with what to change. */
export function normalizeOptions(tree: Tree, schema: ServiceGeneratorSchema): NormalizedServiceOptions {
  const name = String(schema.name ?? '').trim();
  if (!KEBAB_CASE.test(name) || name.length > 40) {
    throw new Error(`Service name "${name}" must be kebab-case (a-z, 0-9, single dashes, starting with a letter), at most 40 characters, e.g. "shipping".`);
  }
  if (RESERVED_NAMES.includes(name)) {
    throw new Error(`Service name "${name}" is taken by the reference stack (reserved: ${RESERVED_NAMES.join(', ')}).`);
  }
  const scope = npmScope(tree);
  const projectName = `${scope}/${name}`;
  const directory = (schema.directory ?? joinPathFragments('apps', name)).replace(/\/+$/, '');
  if (!/^apps\/[a-z0-9][a-z0-9-]*$/.test(directory)) {
    // The npm workspaces (root package.json) cover apps/*: a project elsewhere would get no tags and no targets.
    throw new Error(`--directory "${directory}" must be apps/<folder> (one level under apps/, covered by the npm workspaces).`);
  }
  for (const [project, root] of workspaceProjects(tree)) {
    if (project === projectName || project === name || root === directory) {
      throw new Error(`A project "${project}" exists already at ${root}: choose another service name or directory.`);
    }
  }
  if (tree.exists(directory)) throw new Error(`${directory} exists already: choose another service name or --directory.`);

  const stack = readStackServices(tree);
  if (stack.names.includes(name)) throw new Error(`tools/stack/services.ts runs a service "${name}" already.`);
  const port = schema.port ?? Math.max(3000, ...stack.ports) + 1;
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new Error(`Port ${port} must be an integer from 1024 to 65535.`);
  if (stack.ports.includes(port)) throw new Error(`Port ${port} is used by another service in tools/stack/services.ts: pass another --port.`);

  const spelled = names(name);
  return {
    name,
    directory,
    port,
    npmScope: scope,
    projectName,
    clientId: `${name}-service`,
    className: spelled.className,
    propertyName: spelled.propertyName,
    constantName: spelled.constantName,
    schemaName: name.replace(/-/g, '_'),
  };
}

/**
 * The workspace's npm scope, from the root package.json name (`@service-trust/source` →
 * `@service-trust`), so the generator keeps working after the scope is renamed.
 */
export function npmScope(tree: Tree): string {
  const rootName = tree.exists('package.json') ? readJson<{ name?: string }>(tree, 'package.json').name : undefined;
  const scope = /^(@[^/]+)\//.exec(rootName ?? '')?.[1];
  if (!scope) throw new Error(`The root package.json name "${rootName ?? ''}" has no npm scope (expected "@<scope>/<name>").`);
  return scope;
}

/**
 * Project names by root, from the package.json / project.json files one level under apps/, libs/
 * and tools/ (where this workspace keeps its projects). Read from the tree, so it sees what a
 * generator run has written so far and works on an in-memory tree.
 */
function workspaceProjects(tree: Tree): Map<string, string> {
  const projects = new Map<string, string>();
  for (const parent of ['apps', 'libs', 'tools']) {
    for (const child of tree.children(parent)) {
      const root = `${parent}/${child}`;
      for (const manifest of ['package.json', 'project.json']) {
        if (!tree.exists(`${root}/${manifest}`)) continue;
        const projectName = readJson<{ name?: string }>(tree, `${root}/${manifest}`).name;
        if (projectName) projects.set(projectName, root);
      }
    }
  }
  return projects;
}
