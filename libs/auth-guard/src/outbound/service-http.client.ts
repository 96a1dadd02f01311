import { outboundHeadersOf } from '../hooks/call-hook';
import type { AuthGuardHooks } from '../interfaces/auth-guard-hooks.interface';
import type { Principal } from '../interfaces/principal.interface';
import { rawTokenOf } from '../jwt/access-token.verifier';
import { isTimeout, SubjectTokenUnavailableError, TargetResponseError, TargetUnreachableError } from './outbound.errors';
import type { ServiceTokenClient } from './service-token.client';
import type { TokenExchangeClient } from './token-exchange.client';

/** A service this service calls. */
export interface ServiceTarget {
  /** The target's audience name, e.g. `inventory`. */
  readonly audience: string;
  /** Base URL of the target, e.g. `http://inventory:3000`. */
  readonly baseUrl: string;
  /** Scopes to request for this target. Default: the client's default scopes. */
  readonly scopes?: readonly string[];
  /** Timeout of one request, in ms. Default: the module's `client.requestTimeoutMs`. */
  readonly timeoutMs?: number;
}

/** A parsed answer of a target (2xx). */
export interface ServiceResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, text for other media types, `undefined` when empty. */
  readonly body: T;
}

/** Per-request options. */
export interface ServiceRequestOptions {
  /** Extra headers (an `authorization` header is always replaced). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** HTTP verbs with the right token attached; throws {@link OutboundError}s. */
export interface ServiceRequester {
  get<T = unknown>(path: string, options?: ServiceRequestOptions): Promise<ServiceResponse<T>>;
  delete<T = unknown>(path: string, options?: ServiceRequestOptions): Promise<ServiceResponse<T>>;
  post<T = unknown>(path: string, body?: unknown, options?: ServiceRequestOptions): Promise<ServiceResponse<T>>;
  put<T = unknown>(path: string, body?: unknown, options?: ServiceRequestOptions): Promise<ServiceResponse<T>>;
  patch<T = unknown>(path: string, body?: unknown, options?: ServiceRequestOptions): Promise<ServiceResponse<T>>;
}

/** How a requester gets its token, and forgets it after a 401. */
interface TokenSource {
  get(): Promise<string>;
  invalidate(token: string): void;
}

/**
 * Calls one target service with the right access token attached:
 * `asService()` with this service's own token (client_credentials), `onBehalfOf(principal)`
 * with a token exchanged for the user's (RFC 8693). A 401 from the target drops the cached
 * token and retries once with a fresh one.
 *
 * Errors tell apart "could not get a token" ({@link TokenEndpointError}), "target unreachable"
 * ({@link TargetUnreachableError}) and "target answered 4xx/5xx" ({@link TargetResponseError}).
 */
export class ServiceHttpClient {
  constructor(
    readonly target: ServiceTarget,
    private readonly tokens: ServiceTokenClient,
    private readonly exchange: TokenExchangeClient,
    private readonly defaultTimeoutMs = 10_000,
    private readonly hooks: AuthGuardHooks = {},
  ) {}

  /** Requests as this service itself. */
  asService(): ServiceRequester {
    const { audience, scopes = [] } = this.target;
    return this.requester({
      get: () => this.tokens.getToken(audience, scopes),
      invalidate: (token) => this.tokens.invalidate(audience, scopes, token),
    });
  }

  /** Requests on behalf of the user of `subject` (a principal verified by the guard, or a raw token). */
  onBehalfOf(subject: Principal | string): ServiceRequester {
    const subjectToken = typeof subject === 'string' ? subject : rawTokenOf(subject);
    const { audience, scopes = [] } = this.target;
    return this.requester({
      get: () => (subjectToken ? this.exchange.exchange(subjectToken, audience, scopes) : Promise.reject(new SubjectTokenUnavailableError())),
      invalidate: (token) => subjectToken && this.exchange.invalidate(subjectToken, audience, scopes, token),
    });
  }

  private requester(source: TokenSource): ServiceRequester {
    const send = <T>(method: string, path: string, body: unknown, options?: ServiceRequestOptions) => this.send<T>(source, method, path, body, options);
    return {
      get: (path, options) => send('GET', path, undefined, options),
      delete: (path, options) => send('DELETE', path, undefined, options),
      post: (path, body, options) => send('POST', path, body, options),
      put: (path, body, options) => send('PUT', path, body, options),
      patch: (path, body, options) => send('PATCH', path, body, options),
    };
  }

  private async send<T>(source: TokenSource, method: string, path: string, body: unknown, options?: ServiceRequestOptions): Promise<ServiceResponse<T>> {
    let token = await source.get();
    let response = await this.fetchOnce(method, path, body, token, options);
    if (response.status === 401) {
      await response.body?.cancel().catch(() => undefined);
      source.invalidate(token);
      token = await source.get();
      response = await this.fetchOnce(method, path, body, token, options);
    }
    const parsed = await readBody(response);
    if (!response.ok) throw new TargetResponseError(this.target.audience, response.status, parsed);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  private async fetchOnce(method: string, path: string, body: unknown, token: string, options?: ServiceRequestOptions): Promise<Response> {
    const url = new URL(path.replace(/^\/+/, ''), this.target.baseUrl.endsWith('/') ? this.target.baseUrl : `${this.target.baseUrl}/`);
    const extra = outboundHeadersOf(this.hooks);
    const headers: Record<string, string> = { accept: 'application/json', ...extra, ...options?.headers, authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.target.timeoutMs ?? this.defaultTimeoutMs),
      });
    } catch (error) {
      throw new TargetUnreachableError(this.target.audience, isTimeout(error));
    }
  }
}

async function readBody(response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  if (text.length === 0) return undefined;
  if (/[/+]json\b/i.test(response.headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
