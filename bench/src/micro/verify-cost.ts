/**
 * Item 2 (verification cost per token), the raw signing rates of item 3 and the in-process part
 * of item 6 (JWKS cold vs warm), measured in one process of their own. Prints one JSON line.
 *
 * argv[2]: `{"seconds": <per measurement>, "reps": <repetitions; the median is kept>}`.
 */
import { AccessTokenVerifier, JwksKeySource } from '@service-trust/auth-guard';
import { jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { sign, verify } from 'node:crypto';
import { accessClaims, ALGORITHMS, cryptoParams, generateKey, mint, startJwksServer, type BenchAlgorithm, type BenchKey } from '../lib/tokens';

const AUDIENCE = 'bench';

interface Settings {
  readonly seconds: number;
  readonly reps: number;
}

export interface VerifyCostResult {
  /** ops/s (median of reps) per algorithm and implementation; null where not supported. */
  readonly verify: Record<BenchAlgorithm, Record<string, number | null>>;
  readonly sign: Record<BenchAlgorithm, Record<string, number>>;
  readonly jwks: { readonly coldFetchMs: number[]; readonly warmLookupUs: number };
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

type Op = () => unknown;

/** One timed slice of `op` (ops/s); async ops are awaited one after another. */
async function slice(seconds: number, op: Op, isAsync: boolean): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now < end) {
    for (let i = 0; i < 16; i++) {
      if (isAsync) await op();
      else op();
    }
    count += 16;
    now = performance.now();
  }
  return count / ((now - start) / 1000);
}

/**
 * Measures every op `reps` times in interleaved rounds (so a busy moment of a shared machine hits
 * all of them alike) and keeps the median rate of each.
 */
async function rates(seconds: number, reps: number, ops: Record<string, { op: Op; isAsync?: boolean }>): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  for (const [name, { op }] of Object.entries(ops)) {
    for (let i = 0; i < 50; i++) await op(); // warm-up
    samples[name] = [];
  }
  for (let r = 0; r < reps; r++) {
    for (const [name, { op, isAsync }] of Object.entries(ops)) samples[name]!.push(await slice(seconds, op, isAsync ?? false));
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, medianOf(values)]));
}

function keySource(jwksUri: string): JwksKeySource {
  return new JwksKeySource({
    jwksUri,
    algorithms: [...ALGORITHMS],
    cacheMaxAgeMs: 3_600_000,
    refetchCooldownMs: 30_000,
    fetchTimeoutMs: 3_000,
    logger: { warn: () => undefined },
  });
}

async function main(): Promise<void> {
  const { seconds, reps } = JSON.parse(process.argv[2] ?? '{"seconds":1,"reps":5}') as Settings;
  const keys = Object.fromEntries(ALGORITHMS.map((alg) => [alg, generateKey(alg)])) as Record<BenchAlgorithm, BenchKey>;
  const jwks = await startJwksServer(Object.values(keys));
  const issuer = jwks.issuer;
  const verifyResult = {} as Record<BenchAlgorithm, Record<string, number | null>>;
  const signResult = {} as Record<BenchAlgorithm, Record<string, number>>;
  try {
    const source = keySource(jwks.url);
    await source.refresh();
    const rules = { issuer, audience: AUDIENCE, algorithms: [...ALGORITHMS], clockToleranceSeconds: 30, maxTokenAgeSeconds: 3600 };
    const plain = new AccessTokenVerifier(rules, source);
    const cached = new AccessTokenVerifier({ ...rules, tokenCacheMaxEntries: 10_000 }, source);
    const finishSync = (verifier: AccessTokenVerifier, token: string) => {
      const prepared = verifier.prepare(token);
      if (prepared instanceof Promise) throw new Error('key not loaded');
      return verifier.finish(prepared);
    };

    for (const alg of ALGORITHMS) {
      const key = keys[alg];
      const token = mint(key, accessClaims(issuer, AUDIENCE));
      const dot = token.lastIndexOf('.');
      const input = Buffer.from(token.slice(0, dot));
      const signature = Buffer.from(token.slice(dot + 1), 'base64url');
      const { digest, dsaEncoding } = cryptoParams(alg);
      const verifyKey = dsaEncoding ? { key: key.publicKey, dsaEncoding } : key.publicKey;
      const signKey = dsaEncoding ? { key: key.privateKey, dsaEncoding } : key.privateKey;
      if (!verify(digest, input, verifyKey, signature)) throw new Error(`raw verify failed for ${alg}`);
      finishSync(plain, token);
      const pem = key.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const jwtOptions = { algorithms: [alg as jsonwebtoken.Algorithm], issuer, audience: AUDIENCE };

      const ops: Record<string, { op: Op; isAsync?: boolean }> = {
        'raw node:crypto verify': { op: () => verify(digest, input, verifyKey, signature) },
        'project verifier (all checks)': { op: () => finishSync(plain, token) },
        'project verifier, cached token': { op: () => finishSync(cached, token) },
        'jose jwtVerify (KeyObject)': { op: () => jwtVerify(token, key.publicKey, { issuer, audience: AUDIENCE, algorithms: [alg] }), isAsync: true },
      };
      if (alg !== 'EdDSA') {
        ops['jsonwebtoken (KeyObject)'] = { op: () => jsonwebtoken.verify(token, key.publicKey, jwtOptions) };
        ops['jsonwebtoken (PEM string)'] = { op: () => jsonwebtoken.verify(token, pem, jwtOptions) };
      }
      const measured = await rates(seconds, reps, ops);
      verifyResult[alg] = {
        ...measured,
        ...(alg === 'EdDSA' ? { 'jsonwebtoken (KeyObject)': null, 'jsonwebtoken (PEM string)': null } : {}),
      };

      const claims = accessClaims(issuer, AUDIENCE);
      signResult[alg] = await rates(seconds, reps, {
        'raw node:crypto sign': { op: () => sign(digest, input, signKey) },
        'jose SignJWT (KeyObject)': {
          op: () => new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt' }).sign(key.privateKey),
          isAsync: true,
        },
      });
    }

    const coldFetchMs: number[] = [];
    for (let i = 0; i < Math.max(3, reps); i++) {
      const fresh = keySource(jwks.url);
      const started = performance.now();
      const found = await fresh.getKey(keys.RS256.kid);
      coldFetchMs.push(performance.now() - started);
      if (!found) throw new Error('cold JWKS lookup found no key');
    }
    const lookups = 100_000;
    const started = performance.now();
    for (let i = 0; i < lookups; i++) source.peek(keys.RS256.kid);
    const warmLookupUs = ((performance.now() - started) * 1000) / lookups;

    const result: VerifyCostResult = { verify: verifyResult, sign: signResult, jwks: { coldFetchMs, warmLookupUs } };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await jwks.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`verify-cost failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
