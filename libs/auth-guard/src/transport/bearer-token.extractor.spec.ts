import { AuthGuardError } from '../errors/auth-guard.error';
import { extractBearerToken, extractBearerTokenUnchecked, isB64Token, type BearerRequest } from './bearer-token.extractor';

const outcome = (request: BearerRequest) => {
  try {
    return extractBearerToken(request);
  } catch (e) {
    return e instanceof AuthGuardError ? `${e.status} ${e.code}` : 'other';
  }
};

describe('extractBearerToken', () => {
  it.each([
    [{ headers: { authorization: 'Bearer abc.def.ghi' } }, 'abc.def.ghi'],
    [{ headers: { authorization: 'bearer   abc~+/==' } }, 'abc~+/=='],
    [{ headers: {} }, '401 missing_token'],
    [{ headers: { authorization: 'Basic dXNlcjpwYXNz' } }, '401 missing_token'],
    [{ headers: { authorization: 'Digest username="a"' } }, '401 missing_token'],
    [{ headers: { authorization: '   ' } }, '400 invalid_request'],
    [{ headers: { authorization: 'Bearer' } }, '400 invalid_request'],
    [{ headers: { authorization: 'Bearer a=b' } }, '400 invalid_request'],
    [{ headers: { authorization: 'Bearer a\tb' } }, '400 invalid_request'],
    [{ headers: { authorization: 'Basic x, Bearer y' } }, '400 invalid_request'],
    [{ headers: { authorization: ['Bearer a', 'Bearer b'] } }, '400 invalid_request'],
    [{ headers: { authorization: 'Bearer a' }, rawHeaders: ['Authorization', 'Bearer a', 'authorization', 'Bearer b'] }, '400 invalid_request'],
    [{ headers: { authorization: 'Bearer a' }, raw: { rawHeaders: ['AUTHORIZATION', 'Bearer a', 'Authorization', 'Bearer b'] } }, '400 invalid_request'],
    [{ headers: { authorization: 'Bearer a' }, url: '/x?access_token=a' }, '400 invalid_request'],
    [{ headers: {}, url: '/x?q=1&access_token=a' }, '400 invalid_request'],
    [{ headers: { authorization: 'Bearer a' }, url: '/x?my_access_token_count=2' }, 'a'],
  ])('%j → %s', (request, expected) => {
    expect(outcome(request as BearerRequest)).toBe(expected);
  });
});

describe('extractBearerTokenUnchecked', () => {
  it('returns the credentials of `Bearer <x>` unchecked, and applies every other rule of extractBearerToken', () => {
    const unchecked = (request: BearerRequest) => {
      try {
        return extractBearerTokenUnchecked(request);
      } catch (e) {
        return e instanceof AuthGuardError ? `${e.status} ${e.code}` : 'other';
      }
    };
    expect(unchecked({ headers: { authorization: 'Bearer a b' } })).toBe('a b');
    expect(unchecked({ headers: { authorization: 'Bearer a=b' } })).toBe('a=b');
    // Several spaces, another casing: the strict path, as extractBearerToken.
    expect(unchecked({ headers: { authorization: 'Bearer   abc' } })).toBe('abc');
    expect(unchecked({ headers: { authorization: 'bearer a b' } })).toBe('400 invalid_request');
    expect(unchecked({ headers: { authorization: 'Basic dXNlcjpwYXNz' } })).toBe('401 missing_token');
    expect(unchecked({ headers: { authorization: 'Bearer a' }, url: '/x?access_token=a' })).toBe('400 invalid_request');
    expect(unchecked({ headers: { authorization: 'Bearer a' }, rawHeaders: ['Authorization', 'Bearer a', 'authorization', 'Bearer b'] })).toBe('400 invalid_request');
  });

  it('isB64Token is the b64token syntax of RFC 6750 §2.1', () => {
    expect(['abc.def.ghi', 'a-b_c~d+e/f', 'abc==', 'A'].map(isB64Token)).toEqual([true, true, true, true]);
    expect(['a b', 'a=b', '', 'a!', 'a"', 'a,b', '=a'].map(isB64Token)).toEqual([false, false, false, false, false, false, false]);
  });
});
