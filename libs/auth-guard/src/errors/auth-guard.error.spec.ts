import { authErrorBody } from './auth-error.mapper';
import { InsufficientScopeError, InvalidRequestError, InvalidTokenError, MissingTokenError } from './auth-guard.error';

describe('AuthGuardError challenges (RFC 6750 §3)', () => {
  it('is bare when no token was sent', () => {
    expect(new MissingTokenError().wwwAuthenticate('inventory')).toBe('Bearer realm="inventory"');
  });

  it('carries error and description for invalid tokens', () => {
    expect(new InvalidTokenError('token_expired', 'The token has expired').wwwAuthenticate('inv')).toBe(
      'Bearer realm="inv", error="invalid_token", error_description="The token has expired"',
    );
  });

  it('carries the needed scopes for insufficient_scope', () => {
    expect(new InsufficientScopeError(['a:read', 'a:write']).wwwAuthenticate('r')).toMatch(/, scope="a:read a:write"$/);
  });

  it('escapes quoted-string values and drops control characters', () => {
    expect(new InvalidRequestError('say "hi" \\ \r\n').wwwAuthenticate('re"alm')).toBe(
      'Bearer realm="re\\"alm", error="invalid_request", error_description="say \\"hi\\" \\\\ ??"',
    );
  });

  it('maps to a stable body', () => {
    expect(authErrorBody(new InvalidTokenError('unknown_key', 'x'))).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'unknown_key', message: 'x' });
    expect(authErrorBody(new InsufficientScopeError(['s']))).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect(authErrorBody(new InvalidRequestError('x'))).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });
});
