import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

// What the stack relies on when three services, each with a node-postgres pool of 10, share
// ONE embedded engine. The service-kit `Database.atomic(script)` contract is reproduced here
// (one simple-protocol message) rather than imported, as service-kit depends on this library.
const atomic = (pool: Pool, script: string) =>
  pool.query(`BEGIN;\n${script}\n;COMMIT;`).catch(async (error: unknown) => {
    await pool.query('ROLLBACK').catch(() => undefined);
    throw error;
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startEmbeddedPostgres (in memory, shared by three pools of 10)', () => {
  let pg: EmbeddedPostgres;
  let pools: Pool[];

  beforeAll(async () => {
    pg = await startEmbeddedPostgres();
    pools = [1, 2, 3].map(() => new Pool({ connectionString: pg.url, max: 10, connectionTimeoutMillis: 10_000 }));
    for (const pool of pools) pool.on('error', () => undefined);
    // Open all 30 connections.
    await Promise.all(pools.flatMap((pool) => Array.from({ length: 10 }, () => pool.query('SELECT pg_sleep(0.001)'))));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await pg.stop();
  });

  it('listens on an ephemeral port and reports a postgres:// URL', () => {
    expect(pg.port).toBeGreaterThan(0);
    expect(pg.url).toBe(`postgres://postgres@127.0.0.1:${pg.port}/postgres`);
  });

  it('is PostgreSQL 13+ with gen_random_uuid() built in', async () => {
    const { rows } = await pools[0]!.query<{ num: number; id: string }>(
      "SELECT current_setting('server_version_num')::int AS num, gen_random_uuid()::text AS id",
    );
    expect(rows[0]!.num).toBeGreaterThanOrEqual(130000);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('answers concurrent parameterised single statements from 30 connections, each with its own result', async () => {
    const shapes = [
      (i: number) => ({ sql: 'SELECT $1::int AS i, $2::text AS s', params: [i, `s${i}`], expected: { i, s: `s${i}` } }),
      (i: number) => ({ sql: 'SELECT $1::text AS s', params: [`only${i}`], expected: { s: `only${i}` } }),
      (i: number) => ({ sql: 'SELECT $1::int + 1 AS i', params: [i], expected: { i: i + 1 } }),
    ];
    const cases = Array.from({ length: 600 }, (_, i) => shapes[i % 3]!(i));
    const results = await Promise.all(cases.map((c, i) => pools[i % 3]!.query(c.sql, c.params)));
    results.forEach((result, i) => expect(result.rows).toEqual([cases[i]!.expected]));
  }, 60_000);

  it('keeps large parameters (several TCP reads) apart from other connections’ statements', async () => {
    // Without the batching fix the engine interleaves Parse/Bind of different connections here.
    const big = 'x'.repeat(300_000);
    const results = await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        i % 3 === 0
          ? pools[i % 3]!.query('SELECT length($1::text) AS n, $2::int AS i', [big, i])
          : pools[i % 3]!.query('SELECT $1::text AS s', [`s${i}`]),
      ),
    );
    results.forEach((result, i) =>
      expect(result.rows).toEqual([i % 3 === 0 ? { n: 300_000, i } : { s: `s${i}` }]),
    );
  }, 60_000);

  it('runs atomic scripts (one BEGIN; …; COMMIT; message) as units, even when many run at once', async () => {
    await pools[0]!.query('CREATE TABLE IF NOT EXISTS public.ledger (id int, side text, amount int)');
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        atomic(
          pools[i % 3]!,
          `INSERT INTO public.ledger VALUES (${i}, 'debit', -${i});
           SELECT pg_sleep(0.0005);
           INSERT INTO public.ledger VALUES (${i}, 'credit', ${i})`,
        ),
      ),
    );
    // Every reader at any time sees both halves or neither: the sum is always 0.
    const { rows } = await pools[1]!.query<{ n: string; total: string }>(
      'SELECT count(*) AS n, sum(amount) AS total FROM public.ledger',
    );
    expect(rows[0]).toEqual({ n: '200', total: '0' });
  });

  it('rolls back a failing atomic script entirely, and the other connections keep working', async () => {
    await pools[0]!.query('CREATE TABLE IF NOT EXISTS public.items (id int PRIMARY KEY)');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        i % 4 === 0
          ? atomic(pools[i % 3]!, `INSERT INTO public.items VALUES (${1000 + i}); SELECT 1/0`)
          : pools[i % 3]!.query('INSERT INTO public.items VALUES ($1) RETURNING id', [i]),
      ),
    );
    outcomes.forEach((outcome, i) => {
      if (i % 4 === 0) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason.message).toMatch(/division by zero/);
      } else {
        expect(outcome.status).toBe('fulfilled');
      }
    });
    const { rows } = await pools[2]!.query<{ ok: string; leaked: string }>(
      'SELECT count(*) FILTER (WHERE id < 1000) AS ok, count(*) FILTER (WHERE id >= 1000) AS leaked FROM public.items',
    );
    expect(rows[0]).toEqual({ ok: '45', leaked: '0' });
  }, 30_000);

  it('a failing single statement does not affect statements of other connections', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 90 }, (_, i) =>
        i % 2 ? pools[i % 3]!.query('SELECT * FROM public.no_such_table') : pools[i % 3]!.query('SELECT $1::int AS i', [i]),
      ),
    );
    outcomes.forEach((outcome, i) => {
      if (i % 2) expect((outcome as PromiseRejectedResult).reason.code).toBe('42P01');
      else expect((outcome as PromiseFulfilledResult<{ rows: unknown[] }>).value.rows).toEqual([{ i }]);
    });
  });

  it('counts exactly with INSERT … ON CONFLICT … DO UPDATE … RETURNING under concurrency', async () => {
    await pools[0]!.query('CREATE TABLE IF NOT EXISTS public.counters (key text PRIMARY KEY, n int NOT NULL)');
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        pools[i % 3]!.query<{ key: string; n: number }>(
          `INSERT INTO public.counters (key, n) VALUES ($1, 1)
           ON CONFLICT (key) DO UPDATE SET n = public.counters.n + 1
           RETURNING key, n`,
          [keys[i % keys.length]],
        ),
      ),
    );
    // Each key was bumped 100 times and every bump saw a distinct value 1..100.
    for (const key of keys) {
      const seen = results.flatMap((r) => r.rows).filter((row) => row.key === key).map((row) => row.n);
      expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    }
    const { rows } = await pools[1]!.query('SELECT key, n FROM public.counters ORDER BY key');
    expect(rows).toEqual(keys.map((key) => ({ key, n: 100 })));
  }, 30_000);

  it('holds other connections back while one connection is inside an explicit transaction', async () => {
    await pools[0]!.query('CREATE TABLE IF NOT EXISTS public.tx (id int)');
    const owner = await pools[0]!.connect();
    try {
      await owner.query('BEGIN');
      await owner.query('INSERT INTO public.tx VALUES (1)');
      const started = Date.now();
      // This statement of another connection must not run inside (and see) the open transaction.
      const other = pools[1]!.query<{ n: string }>('SELECT count(*) AS n FROM public.tx').then((r) => ({
        n: r.rows[0]!.n,
        after: Date.now() - started,
      }));
      await sleep(300);
      await owner.query('INSERT INTO public.tx VALUES (2)');
      await owner.query('ROLLBACK');
      const seen = await other;
      expect(seen.n).toBe('0');
      expect(seen.after).toBeGreaterThanOrEqual(280);
    } finally {
      owner.release();
    }
  });

  it('rolls back the transaction of a client that disconnects inside it, releasing the others', async () => {
    await pools[0]!.query('CREATE TABLE IF NOT EXISTS public.abandoned (id int)');
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO public.abandoned VALUES (1)');
    await client.query('SELECT 1/0').catch(() => undefined); // now in an aborted transaction
    const waiting = pools[1]!.query<{ n: string }>('SELECT count(*) AS n FROM public.abandoned');
    await sleep(100);
    await client.end();
    expect((await waiting).rows).toEqual([{ n: '0' }]);
    expect((await pools[2]!.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('shares session state between connections (SET search_path is seen by every connection)', async () => {
    // Documented hazard, asserted so a change of behaviour is noticed: statements must be
    // schema-qualified and must not SET session state.
    await pools[0]!.query('CREATE SCHEMA IF NOT EXISTS elsewhere');
    const setter = new Client({ connectionString: pg.url });
    const reader = new Client({ connectionString: pg.url });
    await setter.connect();
    await reader.connect();
    try {
      await setter.query('SET search_path = elsewhere');
      const { rows } = await reader.query<{ search_path: string }>('SHOW search_path');
      expect(rows[0]!.search_path).toBe('elsewhere');
    } finally {
      await setter.query('SET search_path = public');
      await setter.end();
      await reader.end();
    }
  });
});

describe('startEmbeddedPostgres with a data directory', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'embedded-pg-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data across stop and restart, and refuses a second engine on the same directory', async () => {
    const dataDir = join(dir, 'pg');
    const first = await startEmbeddedPostgres({ dataDir });
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/already open in this process/);
    const client = new Client({ connectionString: first.url });
    await client.connect();
    await client.query('CREATE TABLE public.kept (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), v text)');
    const { rows: inserted } = await client.query("INSERT INTO public.kept (v) VALUES ('survives') RETURNING id");
    await client.end();
    await first.stop();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      const again = new Client({ connectionString: second.url });
      await again.connect();
      const { rows } = await again.query('SELECT id, v FROM public.kept');
      await again.end();
      expect(rows).toEqual([{ id: inserted[0].id, v: 'survives' }]);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
