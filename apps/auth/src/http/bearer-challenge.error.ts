import { HttpException } from '@nestjs/common';

/** A 400/401/403 with its RFC 6750 `WWW-Authenticate: Bearer ...` challenge. */
export class BearerChallengeError extends HttpException {
  readonly challenge: string;

  constructor(realm: string, status: 400 | 401 | 403, error: string | undefined, description: string, scope?: string) {
    super({ statusCode: status, error: error ?? 'unauthorized', message: description }, status);
    this.challenge = error
      ? `Bearer realm="${realm}", error="${error}", error_description="${description}"${scope ? `, scope="${scope}"` : ''}`
      : `Bearer realm="${realm}"`;
  }
}
