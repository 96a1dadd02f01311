import { OAuthError } from './oauth.error';
import { parseScope, readFormParams, required } from './token-params';

const FORM = 'application/x-www-form-urlencoded';

describe('token endpoint parameters', () => {
  it('accepts a form with charset, dropping empty parameters', () => {
    expect(readFormParams(`${FORM}; charset=UTF-8`, { grant_type: 'x', scope: '' })).toEqual({ grant_type: 'x' });
  });

  it.each([
    ['JSON', 'application/json', { grant_type: 'x' }],
    ['no content type', undefined, { grant_type: 'x' }],
    ['a repeated parameter', FORM, { audience: ['a', 'b'] }],
    ['no body', FORM, undefined],
  ])('refuses %s with invalid_request', (_case, type, body) => {
    expect(() => readFormParams(type, body)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });

  it('names a missing parameter', () => {
    expect(() => required({}, 'audience')).toThrow('Parameter "audience" is required.');
  });

  it('splits scopes, removing duplicates', () => {
    expect(parseScope('a:b c:d a:b')).toEqual(['a:b', 'c:d']);
    expect(parseScope(undefined)).toBeUndefined();
  });

  it.each(['a  b', ' a', 'a ', 'a"b', 'a\\b'])('refuses the malformed scope %j', (scope) => {
    expect(() => parseScope(scope)).toThrow(OAuthError);
  });
});
