import type { Tree } from '@nx/devkit';
import type { NormalizedServiceOptions } from '../schema.ts';
import { endOfLastMatch, escapeRegExp, indentAt, insertAt, readText, WiringError } from './text-edits.ts';

export const ESLINT_CONFIG_FILE = 'eslint.config.mjs';

/**
 * Adds the constraint of the new scope after the last `{ sourceTag: 'scope:…', … },` line of the
 * root ESLint config: the service may depend only on its own scope and the shared libraries.
 */
export function addScopeConstraint(tree: Tree, options: NormalizedServiceOptions): void {
  const entry = `{ sourceTag: 'scope:${options.name}', onlyDependOnLibsWithTags: ['scope:${options.name}', 'scope:shared'] },`;
  const text = readText(tree, ESLINT_CONFIG_FILE, `add ${entry} to the depConstraints yourself`);
  if (new RegExp(`sourceTag:\\s*'scope:${escapeRegExp(options.name)}'`).test(text)) {
    throw new WiringError(ESLINT_CONFIG_FILE, `depConstraints has "scope:${options.name}" already`, 'choose another name');
  }
  const scopeLine = /^([ \t]*)\{ sourceTag: 'scope:[^']+',[^\n]*\},[ \t]*$/gm;
  const end = endOfLastMatch(text, scopeLine);
  if (end < 0) {
    throw new WiringError(ESLINT_CONFIG_FILE, "no depConstraints line `{ sourceTag: 'scope:…', … },`", `add ${entry} to the depConstraints yourself`);
  }
  const indent = indentAt(text, end);
  tree.write(ESLINT_CONFIG_FILE, insertAt(text, end, `\n${indent}${entry}`));
}
