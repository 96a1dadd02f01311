import { OAuthError } from '../oauth/oauth.error';
import { readCredentials } from './client.authenticator';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('readCredentials', () => {
  it('reads client_secret_basic, form-urlencoded before base64 (RFC 6749 §2.3.1)', () => {
    expect(readCredentials(basic('svc:1', 'p@ss word/+'), {})).toEqual({ clientId: 'svc:1', secret: 'p@ss word/+', method: 'client_secret_basic' });
  });

  it('reads client_secret_post', () => {
    expect(readCredentials(undefined, { client_id: 'a', client_secret: 'b' })).toEqual({ clientId: 'a', secret: 'b', method: 'client_secret_post' });
  });

  const failure = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error as OAuthError;
    }
    throw new Error('expected a failure');
  };

  it.each([
    ['no credentials', undefined, {}, 'invalid_client', 401],
    ['a secret without a client id', undefined, { client_secret: 'x' }, 'invalid_client', 401],
    ['not Basic', 'Bearer x', {}, 'invalid_client', 401],
    ['no colon', `Basic ${Buffer.from('abc').toString('base64')}`, {}, 'invalid_client', 401],
    ['bad percent-encoding', `Basic ${Buffer.from('a%zz:b').toString('base64')}`, {}, 'invalid_client', 401],
    ['two methods at once', basic('a', 'b'), { client_secret: 'b' }, 'invalid_request', 400],
    ['a body client_id differing from the header', basic('a', 'b'), { client_id: 'c' }, 'invalid_request', 400],
  ])('refuses %s', (_case, header, params, error, status) => {
    const thrown = failure(() => readCredentials(header, params));
    expect(thrown).toBeInstanceOf(OAuthError);
    expect(thrown.error).toBe(error);
    expect(thrown.status).toBe(status);
    if (status === 401) expect(thrown.headers['WWW-Authenticate']).toContain('Basic realm="auth"');
  });
});
