import { createHash, KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { TestIssuerAlgorithm, TestSigningKey } from './test-issuer';

/** A fresh key pair (jose `generateKeyPair`) with its public JWK (`kid` = thumbprint-like hash). */
export async function createSigningKey(alg: TestIssuerAlgorithm): Promise<TestSigningKey> {
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk = await exportJWK(pair.publicKey);
  const kid = createHash('sha256').update(JSON.stringify(publicJwk)).digest('base64url').slice(0, 16);
  return {
    kid, alg,
    privateKey: KeyObject.from(pair.privateKey),
    publicKey: KeyObject.from(pair.publicKey),
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    publicKeyPem: await exportSPKI(pair.publicKey),
  };
}

export function basicClientId(header: string | undefined, clients: Record<string, { secret: string }>): string | null {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  return Object.hasOwn(clients, id) && clients[id]!.secret === secret ? id : null;
}

export function decodePayload(token: string | undefined): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
