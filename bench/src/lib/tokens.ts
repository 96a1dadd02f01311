import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type BenchAlgorithm = 'RS256' | 'ES256' | 'EdDSA';
export const ALGORITHMS: readonly BenchAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

/** A signing key of the bench issuer, with its public JWK. */
export interface BenchKey {
  readonly kid: string;
  readonly alg: BenchAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: Record<string, unknown>;
}

export function generateKey(alg: BenchAlgorithm, kid = `bench-${alg.toLowerCase()}`): BenchKey {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const jwk = { ...(pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg, use: 'sig' };
  return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

/** The node:crypto digest for `alg` (`null` for EdDSA) and the signature encoding of JWS. */
export function cryptoParams(alg: BenchAlgorithm): { digest: string | null; dsaEncoding?: 'ieee-p1363' } {
  if (alg === 'RS256') return { digest: 'sha256' };
  if (alg === 'ES256') return { digest: 'sha256', dsaEncoding: 'ieee-p1363' };
  return { digest: null };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims of an RFC 9068 access token as the stack issues them. */
export function accessClaims(issuer: string, audience: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    aud: audience,
    sub: 'bench-user',
    client_id: 'bench-client',
    jti: randomUUID(),
    iat: now,
    exp: now + 900,
    scope: 'bench:read bench:write',
    ...overrides,
  };
}

/** A compact JWS signed with `key` (`header` members override `{alg, kid, typ: at+jwt}`). */
export function mint(key: BenchKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })}.${b64(claims)}`;
  const { digest, dsaEncoding } = cryptoParams(key.alg);
  const signature = sign(digest, Buffer.from(input), dsaEncoding ? { key: key.privateKey, dsaEncoding } : key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** A JWKS endpoint on 127.0.0.1 (ephemeral port) publishing `keys`; counts its requests. */
export async function startJwksServer(keys: readonly BenchKey[]): Promise<{ url: string; issuer: string; requests(): number; close(): Promise<void> }> {
  let requests = 0;
  const body = JSON.stringify({ keys: keys.map((k) => k.jwk) });
  const server: Server = createServer((request, response) => {
    requests++;
    if (request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/jwk-set+json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  return {
    url: `${issuer}/.well-known/jwks.json`,
    issuer,
    requests: () => requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
