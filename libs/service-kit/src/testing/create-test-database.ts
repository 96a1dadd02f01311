import { startEmbeddedPostgres } from '@service-trust/embedded-postgres';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export type TestDatabaseTarget = 'postgres' | 'embedded';

export interface TestDatabase {
  /** Connection string of a database nobody else uses: pass it as `DATABASE_URL`. */
  readonly url: string;
  /** Removes the database (closing connections still open to it). Safe to call twice. */
  drop(): Promise<void>;
}

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, empty database for one test file.
 *
 * - `'postgres'`: a uniquely named database created on the real PostgreSQL server at
 *   `TEST_POSTGRES_URL` (default {@link DEFAULT_TEST_POSTGRES_URL}; the role needs CREATEDB).
 *   When that server cannot be reached this throws: a test that needs PostgreSQL fails, it never
 *   skips silently.
 * - `'embedded'`: an in-memory embedded engine of its own on an ephemeral port (~3–6 s and
 *   ~0.8 GB to start: share one per test file). `drop()` stops it.
 */
export async function createTestDatabase(target: TestDatabaseTarget): Promise<TestDatabase> {
  if (target === 'embedded') {
    const server = await startEmbeddedPostgres();
    return { url: server.url, drop: () => server.stop() };
  }
  if (target !== 'postgres') {
    throw new Error(`createTestDatabase: unknown target "${String(target)}" (expected 'postgres' or 'embedded').`);
  }

  const adminUrl = process.env['TEST_POSTGRES_URL'] || DEFAULT_TEST_POSTGRES_URL;
  const name = `test_${Date.now().toString(36)}_${randomBytes(5).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop() {
      dropped ??= withAdmin(adminUrl, async (admin) => {
        const { rows } = await admin.query<{ num: number }>(
          "SELECT current_setting('server_version_num')::int AS num",
        );
        // Connections a test left open (a pool not ended) would make DROP DATABASE fail.
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await admin.query(`DROP DATABASE IF EXISTS ${name}${rows[0]!.num >= 130000 ? ' WITH (FORCE)' : ''}`);
      });
      return dropped;
    },
  };
}

async function withAdmin<T>(adminUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw unreachable(adminUrl, error);
  }
  try {
    return await work(admin);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

function unreachable(adminUrl: string, error: unknown): Error {
  const shown = new URL(adminUrl);
  if (shown.password) shown.password = '***';
  const e = error as { code?: string; message?: string };
  return new Error(
    [
      `Tests need PostgreSQL at ${shown.toString()}, which could not be reached: ${e.code ?? ''} ${e.message ?? String(error)}`.trim(),
      'Start one, e.g. `docker run -d --name test-postgres -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:17`',
      '(or a local server: `sudo service postgresql start`), or point TEST_POSTGRES_URL at a server whose role may CREATE DATABASE.',
    ].join('\n'),
    { cause: error },
  );
}
