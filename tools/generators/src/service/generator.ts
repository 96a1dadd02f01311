import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { generateFiles, logger, offsetFromRoot, type Tree } from '@nx/devkit';
import { normalizeOptions } from './options.ts';
import type { NormalizedServiceOptions, ServiceGeneratorSchema } from './schema.ts';
import { addAudienceScopes, addDemoClient } from './wiring/auth-scopes.ts';
import { addComposeService } from './wiring/compose.ts';
import { addComposeSecrets, addToImage } from './wiring/container-build.ts';
import { addKubernetesManifests } from './wiring/kubernetes.ts';
import { addScopeConstraint } from './wiring/module-boundaries.ts';
import { addStackService } from './wiring/stack-services.ts';

/**
 * `nx g @service-trust/tools:service <name>`: a new guarded service, modeled on inventory, wired to
 * auth (audience and scopes, demo client), `npm start`, docker compose, the image, Kubernetes and
 * the module boundaries. Every edit of an existing file checks the file's shape first and fails
 * with what to do by hand; since Nx writes the tree only when the generator succeeds, a failure
 * leaves the workspace untouched.
 *
 * @example
 * npx nx g @service-trust/tools:service shipping            # apps/shipping, next free port
 * npx nx g @service-trust/tools:service shipping --port 3010 --dry-run
 */
export async function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): Promise<() => void> {
  const options = normalizeOptions(tree, schema);
  generateFiles(tree, join(import.meta.dirname, 'files'), options.directory, {
    ...options,
    offset: offsetFromRoot(options.directory),
  });
  wire(tree, options, `demo-${options.clientId}-${randomBytes(18).toString('base64url')}`);
  // No formatFiles(): the workspace has no Prettier configuration; the templates are formatted.
  return () => printNextSteps(options);
}

/** Every edit outside the new project, in an order where the cheapest checks fail first. */
export function wire(tree: Tree, options: NormalizedServiceOptions, clientSecret: string): void {
  addAudienceScopes(tree, options);
  addDemoClient(tree, options, clientSecret);
  addStackService(tree, options);
  addScopeConstraint(tree, options);
  addComposeService(tree, options);
  addComposeSecrets(tree, options);
  addToImage(tree, options);
  addKubernetesManifests(tree, options);
}

function printNextSteps(options: NormalizedServiceOptions): void {
  logger.info(
    [
      '',
      `${options.projectName} is ready (port ${options.port}, audience "${options.name}").`,
      `  npx nx run ${options.projectName}:test        # its tests (PostgreSQL at 127.0.0.1:5432)`,
      '  npm start                                  # builds and starts it with the stack',
      `  containers: npm run compose:secrets, then docker compose up; Kubernetes: create ${options.name}-secrets (docs/make-it-yours.md)`,
      '',
    ].join('\n'),
  );
}

export default serviceGenerator;
