import { AuthGuardError } from '../errors/auth-guard.error';
import { extractBearerToken, type BearerRequest } from './bearer-token.extractor';

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
