import type { ResolvedServiceClientOptions } from '../module/auth-guard-options.schema';
import { outboundHeadersOf } from '../hooks/call-hook';
import type { AuthGuardHooks } from '../interfaces/auth-guard-hooks.interface';
import { isTimeout, TokenEndpointError } from './outbound.errors';

/** A successful token response (RFC 6749 §5.1, RFC 8693 §2.2.1). */
export interface TokenResponse {
  readonly accessToken: string;
  /** Lifetime in seconds (`expires_in`; 60 when the endpoint omits it). */
  readonly expiresIn: number;
  readonly scope?: string;
  readonly issuedTokenType?: string;
}

/** Injectable time and randomness of the outbound clients (tests). */
export interface OutboundRuntime {
  /** Clock in ms. Default: `Date.now`. */
  readonly now?: () => number;
  /** Waits between retries. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) for the backoff jitter. Default: `Math.random`. */
  readonly random?: () => number;
}

const DEFAULT_EXPIRES_IN = 60;

/**
 * Posts grant requests to the token endpoint with `client_secret_basic` (RFC 6749 §2.3.1: id
 * and secret form-urlencoded, then base64), retrying network errors, timeouts and 5xx with
 * exponential backoff and full jitter, never 4xx. Errors carry no secret.
 */
export class TokenEndpointClient {
  private readonly authorization: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly options: ResolvedServiceClientOptions,
    runtime: OutboundRuntime = {},
    private readonly hooks: AuthGuardHooks = {},
  ) {
    const credentials = `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`;
    this.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    this.sleep = runtime.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = runtime.random ?? Math.random;
  }

  /** Sends one grant request (with retries) and returns the token response. */
  async request(params: Readonly<Record<string, string>>): Promise<TokenResponse> {
    const { attempts, baseDelayMs, maxDelayMs } = this.options.retry;
    const body = new URLSearchParams(params).toString();
    let failure = new TokenEndpointError('auth_unreachable', 'Token endpoint unreachable');
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await this.sleep(Math.floor(this.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 2))));
      let response: Response;
      try {
        response = await fetch(this.options.tokenUrl, {
          method: 'POST',
          headers: {
            ...outboundHeadersOf(this.hooks),
            authorization: this.authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        const timedOut = isTimeout(error);
        failure = new TokenEndpointError('auth_unreachable', `Token endpoint unreachable${timedOut ? ' (timeout)' : ''}`);
        continue;
      }
      if (response.status >= 500) {
        await response.body?.cancel().catch(() => undefined);
        failure = new TokenEndpointError('auth_unreachable', `Token endpoint answered ${response.status}`, response.status);
        continue;
      }
      return parseTokenResponse(response);
    }
    throw failure;
  }
}

async function parseTokenResponse(response: Response): Promise<TokenResponse> {
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new TokenEndpointError('auth_invalid_response', `Token endpoint answered ${response.status} without JSON`, response.status);
  }
  const body = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (!response.ok) {
    const oauthError = typeof body['error'] === 'string' && /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(body['error']) ? body['error'] : undefined;
    throw new TokenEndpointError('auth_rejected', `Token endpoint rejected the request (${response.status}${oauthError ? ` ${oauthError}` : ''})`, response.status, oauthError);
  }
  const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, scope, issued_token_type: issued } = body;
  if (typeof accessToken !== 'string' || accessToken.length === 0 || typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
    throw new TokenEndpointError('auth_invalid_response', 'Token endpoint answered without a bearer access_token', response.status);
  }
  if (expiresIn !== undefined && !(typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0)) {
    throw new TokenEndpointError('auth_invalid_response', 'Token endpoint answered an invalid expires_in', response.status);
  }
  return {
    accessToken,
    expiresIn: expiresIn ?? DEFAULT_EXPIRES_IN,
    ...(typeof scope === 'string' ? { scope } : {}),
    ...(typeof issued === 'string' ? { issuedTokenType: issued } : {}),
  };
}

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
