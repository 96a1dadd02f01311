import type { Database } from './database';

/** One versioned migration. `id` sorts in order of application (e.g. `001_users`). */
export interface Migration {
  readonly id: string;
  readonly sql: string;
}

const SAFE_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Applies the migrations of one service to the schema it owns, each exactly once and in order.
 * Each migration runs atomically together with its bookkeeping row, so a crash leaves it either
 * applied and recorded or not applied at all. Several replicas starting at once are safe: the
 * bookkeeping row's primary key makes all but one of them fail that migration, and they retry.
 */
export async function migrate(db: Database, schema: string, migrations: readonly Migration[]): Promise<string[]> {
  if (!SAFE_IDENTIFIER.test(schema)) {
    throw new Error(`Schema name "${schema}" must match ${SAFE_IDENTIFIER}.`);
  }
  const ids = migrations.map((m) => m.id);
  if (new Set(ids).size !== ids.length || [...ids].sort().join() !== ids.join()) {
    throw new Error(`Migrations of schema "${schema}" must have unique ids in ascending order.`);
  }
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch(ignoreConcurrentCreate);
  await db
    .query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
         id text PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    )
    .catch(ignoreConcurrentCreate);

  const applied: string[] = [];
  for (const migration of migrations) {
    for (let attempt = 0; ; attempt++) {
      const done = await db.one(`SELECT 1 FROM ${schema}.schema_migrations WHERE id = $1`, [migration.id]);
      if (done) break;
      try {
        await db.atomic(
          `${migration.sql}\n;INSERT INTO ${schema}.schema_migrations (id) VALUES ('${migration.id.replace(/'/g, "''")}')`,
        );
        applied.push(migration.id);
        break;
      } catch (error) {
        // Another replica applied it at the same moment: look again, a few times at most.
        if (attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      }
    }
  }
  return applied;
}

function ignoreConcurrentCreate(error: unknown): void {
  // 23505 unique_violation / 42P06 duplicate_schema / 42P07 duplicate_table: a replica raced us.
  const code = (error as { code?: string }).code;
  if (code !== '23505' && code !== '42P06' && code !== '42P07') throw error;
}
