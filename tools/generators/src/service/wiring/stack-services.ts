import type { Tree } from '@nx/devkit';
import type { NormalizedServiceOptions } from '../schema.ts';
import { appendMember, escapeRegExp, readText, WiringError } from './text-edits.ts';

export const STACK_SERVICES_FILE = 'tools/stack/services.ts';
const SERVICES_OPENING = /export const SERVICES\b[^=]*=\s*\[/;

/** The body of the `SERVICES` array literal, or a {@link WiringError}. */
function servicesBody(text: string, byHand: string): string {
  const start = text.search(SERVICES_OPENING);
  const end = start < 0 ? -1 : text.indexOf('\n];', start);
  if (start < 0 || end < 0) {
    throw new WiringError(STACK_SERVICES_FILE, 'no `export const SERVICES ... = [` closed by `];` at the start of a line', byHand);
  }
  return text.slice(start, end);
}

/** Names and default ports of the services `npm start` runs today. */
export function readStackServices(tree: Tree): { names: string[]; ports: number[] } {
  const body = servicesBody(readText(tree, STACK_SERVICES_FILE, 'pass --port'), 'pass --port');
  return {
    names: [...body.matchAll(/name:\s*'([^']+)'/g)].map((m) => m[1] ?? ''),
    ports: [...body.matchAll(/defaultPort:\s*(\d+)/g)].map((m) => Number(m[1] ?? NaN)),
  };
}

/** Adds the service to `npm start` (started only once built, like orders and inventory). */
export function addStackService(tree: Tree, options: NormalizedServiceOptions): void {
  const row =
    `  { name: '${options.name}', portVariable: '${options.constantName}_PORT', defaultPort: ${options.port}, ` +
    `clientId: '${options.clientId}', required: false },`;
  const byHand = `add ${row.trim()} to SERVICES yourself`;
  const text = readText(tree, STACK_SERVICES_FILE, byHand);
  if (new RegExp(`name:\\s*'${escapeRegExp(options.name)}'`).test(servicesBody(text, byHand))) {
    throw new WiringError(STACK_SERVICES_FILE, `SERVICES has "${options.name}" already`, 'choose another name');
  }
  tree.write(STACK_SERVICES_FILE, appendMember(text, SERVICES_OPENING, '];', row) ?? text);
}
