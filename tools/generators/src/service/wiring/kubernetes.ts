import { join } from 'node:path';
import { generateFiles, type Tree } from '@nx/devkit';
import type { NormalizedServiceOptions } from '../schema.ts';
import { endOfLastMatch, escapeRegExp, insertAt, readText, WiringError } from './text-edits.ts';

export const K8S_DIR = 'deploy/k8s';
export const KUSTOMIZATION_FILE = `${K8S_DIR}/kustomization.yaml`;

/** `deploy/k8s/<name>.yaml` (Deployment, Service, NetworkPolicy), listed in the kustomization's resources. */
export function addKubernetesManifests(tree: Tree, options: NormalizedServiceOptions): void {
  const manifest = `${options.name}.yaml`;
  const byHand = `add "- ${manifest}" to its resources yourself`;
  const text = readText(tree, KUSTOMIZATION_FILE, byHand);
  if (tree.exists(`${K8S_DIR}/${manifest}`) || new RegExp(`^\\s*- ${escapeRegExp(manifest)}\\s*$`, 'm').test(text)) {
    throw new WiringError(KUSTOMIZATION_FILE, `${manifest} exists already`, 'choose another name');
  }
  const resources = /^resources:[ \t]*\n((?:[ \t]+- [^\n]*\n)+)/m.exec(text);
  if (!resources) throw new WiringError(KUSTOMIZATION_FILE, 'no `resources:` list', byHand);
  const end = resources.index + resources[0].length;
  const indent = /^[ \t]*/.exec(resources[1] ?? '')?.[0] ?? '';
  // Before the namespace-wide policies if listed (they come after the services), else at the end.
  const list = text.slice(resources.index, end);
  const policies = endOfLastMatch(list, /^[ \t]+- [\w.-]+\.yaml\n(?=[ \t]+- network-policies\.yaml)/gm);
  const at = policies >= 0 ? resources.index + policies : end;
  tree.write(KUSTOMIZATION_FILE, insertAt(text, at, `${indent}- ${manifest}\n`));
  generateFiles(tree, join(import.meta.dirname, '..', 'k8s-files'), K8S_DIR, { ...options });
}
