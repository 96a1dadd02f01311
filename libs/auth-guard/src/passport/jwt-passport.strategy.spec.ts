import { AuthGuardError } from '../errors/auth-guard.error';
import { JwksKeySource } from '../jwks/jwks-key.source';
import { AccessTokenVerifier } from '../jwt/access-token.verifier';
import { TestIssuer } from '../testing';
import { AuthGuardJwtStrategy } from './jwt-passport.strategy';

describe('AuthGuardJwtStrategy.authenticateToken', () => {
  let issuer: TestIssuer;
  let other: TestIssuer;
  let strategy: AuthGuardJwtStrategy;

  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory', alg: 'ES256' });
    other = await TestIssuer.start({ audience: 'inventory', alg: 'ES256' });
    const keys = new JwksKeySource({ jwksUri: issuer.jwksUri, algorithms: ['ES256'], cacheMaxAgeMs: 60_000, refetchCooldownMs: 0, fetchTimeoutMs: 1000 });
    await keys.refresh();
    strategy = new AuthGuardJwtStrategy(
      new AccessTokenVerifier({ issuer: issuer.issuer, audience: 'inventory', algorithms: ['ES256'], clockToleranceSeconds: 30, maxTokenAgeSeconds: 3600 }, keys),
    );
  });
  afterAll(async () => {
    await issuer.stop();
    await other.stop();
  });

  it('completes synchronously when the key is already known: no promise on the hot path', async () => {
    const result = strategy.authenticateToken(await issuer.mint({ client_id: 'orders', scope: 'inventory:reserve' }));
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ clientId: 'orders', scopes: ['inventory:reserve'] });
  });

  it('throws the guard error synchronously for a bad token with a known key', async () => {
    const expired = await issuer.mint({ iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 });
    expect(() => strategy.authenticateToken(expired)).toThrow(expect.objectContaining({ code: 'token_expired' }));
    expect(catchError(() => strategy.authenticateToken(expired))).toBeInstanceOf(AuthGuardError);
    expect(() => strategy.authenticateToken('not-a-token')).toThrow(expect.objectContaining({ code: 'malformed_token' }));
  });

  it('returns a promise while the key set is fetched, and rejects an unknown key with a guard error', async () => {
    // `other` signs with a kid the JWKS does not hold: the strategy must look it up first
    const result = strategy.authenticateToken(await other.mint({ iss: issuer.issuer }));
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toMatchObject({ code: 'unknown_key' });
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
