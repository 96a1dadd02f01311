import { randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { basicClientId, createSigningKey, decodePayload, json, withoutUndefined } from './test-issuer.keys';

/** Algorithms the test issuer can sign with. */
export type TestIssuerAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

/** Options of {@link TestIssuer.start}. */
export interface TestIssuerOptions {
  /** Signing algorithm. Default: `RS256`. */
  alg?: TestIssuerAlgorithm;
  /** Default `aud` of minted tokens. Default: `test-service`. */
  audience?: string;
  /** Lifetime of minted tokens, in seconds. Default: `300`. */
  ttlSeconds?: number;
  /** OAuth clients accepted by the token endpoint: `client_id` → secret and default scopes. */
  clients?: Record<string, { secret: string; scopes?: string[] }>;
}

/** A signing key of the issuer. */
export interface TestSigningKey {
  readonly kid: string;
  readonly alg: TestIssuerAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: JWK;
  /** SPKI PEM of the public key (e.g. to forge HS256 tokens keyed with it in tests). */
  readonly publicKeyPem: string;
}

/** A token-endpoint request the issuer received. */
export interface RecordedTokenRequest {
  readonly clientId: string | undefined;
  readonly params: Readonly<Record<string, string>>;
}

/** What {@link TestIssuer.mintRaw} assembles; header/payload are JSON-encoded unless strings. */
export interface RawTokenParts {
  header: unknown;
  payload: unknown;
  /**
   * `'valid'` (default): signed with the current key over the encoded parts; `'none'`: empty;
   * or a base64url string used as is.
   */
  signature?: 'valid' | 'none' | string;
}

/** Replaces the JWKS endpoint's answer (e.g. to simulate outages); return `false` to fall through. */
export type JwksResponder = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

/**
 * An in-process OAuth issuer for tests: serves a JWKS and a token endpoint (client_credentials
 * and token exchange) on 127.0.0.1 with an ephemeral port, and mints RFC 9068 access tokens.
 *
 * @example
 * ```ts
 * const issuer = await TestIssuer.start({ audience: 'inventory' });
 * // AuthGuardModule.forRoot({ issuer: issuer.issuer, audience: 'inventory' })
 * const token = await issuer.mint({ scope: 'inventory:read' });
 * await issuer.stop();
 * ```
 */
export class TestIssuer {
  /** Every token-endpoint request received, in order. */
  readonly tokenRequests: RecordedTokenRequest[] = [];
  /**
   * The headers of each token-endpoint request, in the order of {@link tokenRequests} (names in
   * lower case, without `authorization`, which carries the client secret).
   */
  readonly tokenRequestHeaders: Readonly<Record<string, string>>[] = [];
  /** Number of JWKS requests received. */
  jwksRequests = 0;
  private keys: TestSigningKey[] = [];
  private responder: JwksResponder | undefined;
  private failures: { status: number; remaining: number } | undefined;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    readonly audience: string,
    readonly alg: TestIssuerAlgorithm,
    private readonly ttlSeconds: number,
    private readonly clients: Record<string, { secret: string; scopes?: string[] }>,
  ) {}

  /** Starts an issuer on an ephemeral port with one fresh key. */
  static async start(options: TestIssuerOptions = {}): Promise<TestIssuer> {
    const ref: { issuer?: TestIssuer } = {};
    const server = createServer((req, res) => {
      ref.issuer!.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const issuer = new TestIssuer(server, `http://127.0.0.1:${port}`, options.audience ?? 'test-service', options.alg ?? 'RS256', options.ttlSeconds ?? 300, options.clients ?? {});
    ref.issuer = issuer;
    await issuer.rotate();
    return issuer;
  }

  /** `<issuer>/.well-known/jwks.json` */
  get jwksUri(): string {
    return `${this.issuer}/.well-known/jwks.json`;
  }

  /** `<issuer>/oauth/token` */
  get tokenUrl(): string {
    return `${this.issuer}/oauth/token`;
  }

  /** The key that signs now. */
  get currentKey(): TestSigningKey {
    return this.keys[this.keys.length - 1]!;
  }

  /** Generates a new signing key (of `alg`, default the issuer's); previous keys stay published unless `keepPrevious` is false. */
  async rotate(options: { alg?: TestIssuerAlgorithm; keepPrevious?: boolean } = {}): Promise<TestSigningKey> {
    const key = await createSigningKey(options.alg ?? this.alg);
    this.keys = options.keepPrevious === false ? [key] : [...this.keys, key];
    return key;
  }

  /** Adds a key that is published but does not sign by default (e.g. another algorithm's key). */
  async addKey(alg: TestIssuerAlgorithm): Promise<TestSigningKey> {
    const key = await createSigningKey(alg);
    this.keys = [key, ...this.keys];
    return key;
  }

  /** Replaces the JWKS endpoint's answer; `undefined` restores the normal answer. */
  setJwksResponder(responder: JwksResponder | undefined): void {
    this.responder = responder;
  }

  /** The next `times` token-endpoint requests answer `status` (e.g. 503) before being served. */
  failTokenRequests(times: number, status = 503): void {
    this.failures = { status, remaining: times };
  }

  /** The JWK Set currently published. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /**
   * Mints a valid access token (header `typ: at+jwt`, `alg`, `kid`; claims `iss`, `aud`, `sub`,
   * `client_id`, `jti`, `iat`, `exp`, `scope`). Overrides replace defaults; an override set to
   * `undefined` removes the member.
   */
  async mint(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key: TestSigningKey = this.currentKey): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload = withoutUndefined({
      iss: this.issuer, aud: this.audience, sub: 'test-client', client_id: 'test-client', jti: randomUUID(),
      iat: now, exp: now + this.ttlSeconds, scope: '', ...claims,
    });
    const protectedHeader = withoutUndefined({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...header });
    return this.mintRaw({ header: protectedHeader, payload }, key);
  }

  /** Assembles a token from arbitrary parts (for malformed cases). */
  async mintRaw(parts: RawTokenParts, key: TestSigningKey = this.currentKey): Promise<string> {
    const encode = (part: unknown) => Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');
    const input = `${encode(parts.header)}.${encode(parts.payload)}`;
    const signature = parts.signature ?? 'valid';
    if (signature === 'none') return `${input}.`;
    if (signature !== 'valid') return `${input}.${signature}`;
    return `${input}.${this.sign(input, key)}`;
  }

  /** Signs `input` with `key` (default: current) and returns the base64url JWS signature. */
  sign(input: string, key: TestSigningKey = this.currentKey): string {
    const data = Buffer.from(input);
    const signature =
      key.alg === 'RS256' ? sign('sha256', data, key.privateKey)
      : key.alg === 'ES256' ? sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(null, data, key.privateKey);
    return signature.toString('base64url');
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/.well-known/jwks.json') {
      this.jwksRequests++;
      if (this.responder && (await this.responder(req, res))) return;
      return json(res, 200, this.jwks());
    }
    if (req.method === 'POST' && path === '/oauth/token') return this.token(req, res);
    res.writeHead(404).end();
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const params = Object.fromEntries(new URLSearchParams(body));
    const clientId = basicClientId(req.headers.authorization, this.clients);
    this.tokenRequests.push({ clientId: clientId ?? undefined, params });
    this.tokenRequestHeaders.push(
      Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => entry[0] !== 'authorization' && typeof entry[1] === 'string')),
    );
    if (this.failures && this.failures.remaining > 0) {
      this.failures.remaining--;
      return json(res, this.failures.status, { error: 'temporarily_unavailable' });
    }
    if (!clientId) return json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const audience = params['audience'];
    if (!audience) return json(res, 400, { error: 'invalid_request', error_description: 'audience is required' });
    const scope = params['scope'] ?? (this.clients[clientId]!.scopes ?? []).join(' ');
    let claims: Record<string, unknown>;
    if (params['grant_type'] === 'client_credentials') {
      claims = { sub: clientId, client_id: clientId, aud: audience, scope };
    } else if (params['grant_type'] === 'urn:ietf:params:oauth:grant-type:token-exchange') {
      const subject = decodePayload(params['subject_token']);
      if (!subject || params['subject_token_type'] !== 'urn:ietf:params:oauth:token-type:access_token') {
        return json(res, 400, { error: 'invalid_grant', error_description: 'subject_token is invalid' });
      }
      const act = subject['act'] ? { sub: clientId, act: subject['act'] } : { sub: clientId };
      claims = { sub: subject['sub'], client_id: clientId, aud: audience, scope, act };
    } else {
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    const accessToken = await this.mint(claims);
    json(res, 200, {
      access_token: accessToken, token_type: 'Bearer', expires_in: this.ttlSeconds, scope,
      ...(params['grant_type'] === 'client_credentials' ? {} : { issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }),
    });
  }
}
