/** Retry policy of outbound calls to the token endpoint. */
export interface RetryOptions {
  /** Total attempts including the first one (1–10). Default: `3`. */
  attempts?: number;
  /** Base delay of the exponential backoff, in milliseconds (full jitter). Default: `100`. */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay, in milliseconds. Default: `2000`. */
  maxDelayMs?: number;
}

/** Credentials and behaviour of this service as an OAuth client of the issuer. */
export interface ServiceClientOptions {
  /** Required. This service's `client_id` at the issuer. */
  clientId: string;
  /** Required. This service's client secret (sent with `client_secret_basic`, never logged). */
  clientSecret: string;
  /** Token endpoint. Default: `<issuer>/oauth/token`. */
  tokenUrl?: string;
  /** Timeout of one token-endpoint request, in milliseconds. Default: `5000`. */
  timeoutMs?: number;
  /** Retries on 5xx and network errors (never on 4xx). Default: 3 attempts, 100 ms base. */
  retry?: RetryOptions;
  /**
   * A cached token is renewed this many seconds before it expires, or at 10 % of its lifetime
   * when that is shorter. Default: `30`.
   */
  refreshSkewSeconds?: number;
  /** Maximum number of exchanged (on-behalf-of) tokens cached. `0` disables. Default: `1000`. */
  exchangeCacheMaxEntries?: number;
  /** Timeout of one request to a target service ({@link ServiceHttpClient}), in ms. Default: `10000`. */
  requestTimeoutMs?: number;
}
