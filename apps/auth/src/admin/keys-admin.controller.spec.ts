import type { FastifyRequest } from 'fastify';
import { BearerChallengeError } from '../http/bearer-challenge.error';
import { InvalidAccessTokenError, type KeyService, type VerifiedAccessToken } from '../keys/key.service';
import { KeysAdminController } from './keys-admin.controller';

const claims = (over: Partial<VerifiedAccessToken>): VerifiedAccessToken => ({
  sub: 'ops-cli', aud: 'auth', client_id: 'ops-cli', jti: 'j', exp: 2, iat: 1, scope: 'keys:rotate', ...over,
});

describe('KeysAdminController', () => {
  const plan = { current: { kid: 'a', alg: 'RS256' }, next: { kid: 'b', alg: 'RS256', activatesAt: 'later' } };
  const controller = (verified: VerifiedAccessToken | Error) =>
    new KeysAdminController({
      verifyAccessToken: async () => {
        if (verified instanceof Error) throw verified;
        return verified;
      },
      rotate: async () => plan,
      revoke: async (kid: string) => ({ kid, revokedAt: 'now' }),
    } as unknown as KeyService);
  const request = (authorization?: string) => ({ headers: { authorization } }) as FastifyRequest;
  const challengeOf = async (promise: Promise<unknown>) => {
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BearerChallengeError);
    return error as BearerChallengeError;
  };

  it('rotates for a token with audience auth and scope keys:rotate', async () => {
    await expect(controller(claims({})).rotate(request('Bearer t.t.t'))).resolves.toBe(plan);
  });

  it('revokes a key with the same authorization as rotate', async () => {
    await expect(controller(claims({})).revoke(request('Bearer t.t.t'), 'k1')).resolves.toEqual({ kid: 'k1', revokedAt: 'now' });
    expect((await challengeOf(controller(claims({ scope: 'other' })).revoke(request('Bearer t.t.t'), 'k1'))).getStatus()).toBe(403);
    expect((await challengeOf(controller(claims({ aud: 'orders' })).revoke(request('Bearer t.t.t'), 'k1'))).getStatus()).toBe(401);
    expect((await challengeOf(controller(claims({})).revoke(request(), 'k1'))).getStatus()).toBe(401);
  });

  it('403 insufficient_scope naming the scope when it is missing', async () => {
    const error = await challengeOf(controller(claims({ scope: 'other' })).rotate(request('Bearer t.t.t')));
    expect(error.getStatus()).toBe(403);
    expect(error.challenge).toBe('Bearer realm="auth", error="insufficient_scope", error_description="Scope keys:rotate is required.", scope="keys:rotate"');
  });

  it('401 invalid_token for an invalid token or another audience', async () => {
    for (const verified of [new InvalidAccessTokenError('bad'), claims({ aud: 'orders' })]) {
      const error = await challengeOf(controller(verified).rotate(request('Bearer t.t.t')));
      expect(error.getStatus()).toBe(401);
      expect(error.challenge).toContain('error="invalid_token"');
    }
  });

  it('400 invalid_request for a malformed header, 401 with a bare challenge for none', async () => {
    const malformed = await challengeOf(controller(claims({})).rotate(request('Basic abc')));
    expect(malformed.getStatus()).toBe(400);
    expect(malformed.challenge).toContain('error="invalid_request"');
    expect((await challengeOf(controller(claims({})).rotate(request()))).challenge).toBe('Bearer realm="auth"');
  });
});
