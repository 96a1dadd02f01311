import { AuthGuardOptionsError, resolveAuthGuardOptions } from './auth-guard-options.schema';
import type { AuthGuardModuleOptions } from '../interfaces/auth-guard-module-options.interface';

describe('resolveAuthGuardOptions', () => {
  const base = { issuer: 'https://auth.example.com', audience: 'inventory' };

  it('applies the documented defaults', () => {
    expect(resolveAuthGuardOptions(base)).toEqual({
      issuer: 'https://auth.example.com', audience: 'inventory', jwksUri: 'https://auth.example.com/.well-known/jwks.json',
      algorithms: ['RS256', 'ES256', 'EdDSA'], clockToleranceSeconds: 30, maxTokenAgeSeconds: 3600, jwksCacheMaxAgeSeconds: 300,
      jwksRefetchCooldownSeconds: 30, jwksFetchTimeoutMs: 3000, realm: 'inventory', tokenCache: undefined, client: undefined,
    });
  });

  it('derives the token URL from the issuer for the client section', () => {
    const o = resolveAuthGuardOptions({ ...base, client: { clientId: 'orders', clientSecret: 'x' } });
    expect(o.client).toMatchObject({ tokenUrl: 'https://auth.example.com/oauth/token', timeoutMs: 5000, retry: { attempts: 3 } });
  });

  it.each([
    [{ audience: 'inventory' }, /issuer/],
    [{ issuer: 'https://a' }, /audience: is required/],
    [{ ...base, algorithms: ['none'] }, /"none" is never accepted/],
    [{ ...base, algorithms: ['HS256'] }, /"HS256" is never accepted/],
    [{ ...base, algorithms: ['RS1'] }, /not supported/],
    [{ ...base, clockToleranceSeconds: 301 }, /clockToleranceSeconds: must be at most 300/],
    [{ ...base, issuer: 'ftp://x' }, /issuer: must be an absolute http\(s\) URL/],
    [{ ...base, tokenCache: { maxEntries: 0 } }, /tokenCache.maxEntries/],
    [{ ...base, client: { clientId: 'orders' } }, /client.clientSecret: is required/],
    [{ ...base, unknownOption: true }, /unknownOption|Unrecognized/],
  ])('rejects %j with a message saying what to set', (options, message) => {
    expect(() => resolveAuthGuardOptions(options as unknown as AuthGuardModuleOptions)).toThrow(AuthGuardOptionsError);
    expect(() => resolveAuthGuardOptions(options as unknown as AuthGuardModuleOptions)).toThrow(message);
  });
});
