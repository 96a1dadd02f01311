import type { Tree } from '@nx/devkit';

/** A file the generator edits is missing or not in the shape it knows: nothing has been written. */
export class WiringError extends Error {
  constructor(file: string, problem: string, byHand: string) {
    super(`${file}: ${problem}. Nothing was generated; fix the file or ${byHand}.`);
    this.name = 'WiringError';
  }
}

/** The file's text, or a {@link WiringError} naming it. */
export function readText(tree: Tree, file: string, byHand: string): string {
  const text = tree.read(file, 'utf-8');
  if (text === null) throw new WiringError(file, 'not found', byHand);
  return text;
}

/** `text` with `insert` placed at `index`. */
export function insertAt(text: string, index: number, insert: string): string {
  return text.slice(0, index) + insert + text.slice(index);
}

/** The end offset of the last match of `pattern` (global flag required) in `text`, or -1. */
export function endOfLastMatch(text: string, pattern: RegExp): number {
  let end = -1;
  for (const match of text.matchAll(pattern)) end = match.index + match[0].length;
  return end;
}

/** `value` as a TypeScript/JavaScript object key: bare when it is an identifier, else quoted. */
export function objectKey(value: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(value) ? value : `'${value}'`;
}

/** The spaces and tabs that start the line holding offset `at`. */
export function indentAt(text: string, at: number): string {
  return /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', at - 1) + 1))?.[0] ?? '';
}

export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Inserts `line` as the last member of the object or array literal that starts at the first match of
 * `opening` (which must end with `{` or `[`) and closes with `closing` at the start of a line
 * (`};` or `];`). Adds a comma after the previous member when it has none.
 */
export function appendMember(text: string, opening: RegExp, closing: '};' | '];', line: string): string | null {
  const open = opening.exec(text);
  if (!open) return null;
  const bodyStart = open.index + open[0].length;
  const close = text.indexOf(`\n${closing}`, bodyStart);
  if (close < 0) return null;
  const body = text.slice(bodyStart, close);
  const trimmed = body.trimEnd();
  const needsComma = trimmed.length > 0 && !/[,{[]$/.test(trimmed);
  const lastMember = bodyStart + trimmed.length;
  return text.slice(0, lastMember) + (needsComma ? ',' : '') + `\n${line}` + text.slice(lastMember);
}
