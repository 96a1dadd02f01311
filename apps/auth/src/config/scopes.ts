/**
 * The scopes this issuer knows, by the audience (service) they belong to. A token for an
 * audience only ever carries that audience's scopes.
 */
export const SCOPES_BY_AUDIENCE: Readonly<Record<string, readonly string[]>> = {
  orders: ['orders:read', 'orders:write'],
  inventory: ['inventory:read', 'inventory:reserve'],
  auth: ['keys:rotate'],
};

export const ALL_SCOPES: readonly string[] = Object.values(SCOPES_BY_AUDIENCE).flat();

/** The scopes of `granted` that belong to `audience`. */
export function scopesForAudience(audience: string, granted: readonly string[]): string[] {
  const known = SCOPES_BY_AUDIENCE[audience] ?? [];
  return granted.filter((scope) => known.includes(scope));
}
