/**
 * JSON the way the repository's hand-written files have it: two-space indents, objects one member
 * per line, arrays of plain values on one line (`["a", "b"]`), so an edit changes only what it adds.
 */
export function formatJson(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) {
      return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    }
    const inner = `${indent}  `;
    return `[\n${value.map((item) => `${inner}${formatJson(item, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, member]) => member !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([key, member]) => `${inner}${JSON.stringify(key)}: ${formatJson(member, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
