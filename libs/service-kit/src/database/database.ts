import { Pool, type PoolConfig, type QueryResultRow } from 'pg';

/**
 * The one database handle a service holds: a node-postgres pool against `DATABASE_URL`
 * (real PostgreSQL, or the embedded server that speaks the same wire protocol).
 *
 * Statements are written schema-qualified (`auth.users`), never relying on `search_path`:
 * the embedded server multiplexes connections onto one engine, so per-connection session
 * state is not something to lean on. Multi-statement work goes through {@link Database.atomic},
 * which sends it as one simple-protocol message.
 */
export class Database {
  private readonly pool: Pool;

  constructor(url: string, options: Pick<PoolConfig, 'max' | 'connectionTimeoutMillis'> = {}) {
    this.pool = new Pool({
      connectionString: url,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
      // A dropped connection must not crash the process; the next query reconnects.
      allowExitOnIdle: false,
    });
    this.pool.on('error', () => undefined);
  }

  /** Runs one parameterised statement and returns its rows. */
  async query<T extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.pool.query<T>(sql, params);
    return result.rows;
  }

  /** Runs one statement and returns its first row, or `undefined`. */
  async one<T extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    const rows = await this.query<T>(sql, params);
    return rows[0];
  }

  /**
   * Runs a script of several statements atomically: wrapped in BEGIN/COMMIT and sent as a
   * single simple-protocol message (no parameters), so it cannot interleave with other work.
   */
  async atomic(script: string): Promise<void> {
    await this.pool.query(`BEGIN;\n${script}\n;COMMIT;`).catch(async (error: unknown) => {
      await this.pool.query('ROLLBACK').catch(() => undefined);
      throw error;
    });
  }

  /** Resolves when the database answers; rejects otherwise (readiness probes). */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
