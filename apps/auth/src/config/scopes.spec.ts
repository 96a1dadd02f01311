import { ALL_SCOPES, scopesForAudience } from './scopes';

describe('scopes', () => {
  it('keeps only the scopes of the audience', () => {
    expect(scopesForAudience('inventory', ['orders:read', 'inventory:reserve', 'keys:rotate'])).toEqual(['inventory:reserve']);
    expect(scopesForAudience('auth', ['keys:rotate', 'orders:read'])).toEqual(['keys:rotate']);
    expect(scopesForAudience('payments', ALL_SCOPES)).toEqual([]);
  });
});
