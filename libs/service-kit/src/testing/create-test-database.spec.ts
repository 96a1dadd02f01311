import { Client } from 'pg';
import { Database } from '../database/database';
import { migrate } from '../database/migrate';
import { createTestDatabase, DEFAULT_TEST_POSTGRES_URL, type TestDatabase } from './create-test-database';

const adminUrl = () => process.env['TEST_POSTGRES_URL'] || DEFAULT_TEST_POSTGRES_URL;

async function databaseExists(name: string): Promise<boolean> {
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rows.length === 1;
  } finally {
    await admin.end();
  }
}

const migrations = [
  { id: '001_things', sql: 'CREATE TABLE kit_test.things (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n int NOT NULL)' },
];

describe.each(['postgres', 'embedded'] as const)('createTestDatabase(%s)', (target) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(target);
    db = new Database(testDb.url);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('gives an empty database that service-kit can migrate and use', async () => {
    expect(await db.query("SELECT 1 FROM pg_namespace WHERE nspname = 'kit_test'")).toEqual([]);
    expect(await migrate(db, 'kit_test', migrations)).toEqual(['001_things']);
    expect(await migrate(db, 'kit_test', migrations)).toEqual([]);
    await db.atomic('INSERT INTO kit_test.things (n) VALUES (1); INSERT INTO kit_test.things (n) VALUES (2)');
    await expect(db.atomic('INSERT INTO kit_test.things (n) VALUES (3); INSERT INTO kit_test.things (n) VALUES (NULL)')).rejects.toThrow(
      /null value/,
    );
    expect(await db.one('SELECT count(*)::int AS n, sum(n)::int AS total FROM kit_test.things')).toEqual({ n: 2, total: 3 });
  });
});

describe('createTestDatabase(postgres) isolation and cleanup', () => {
  it('creates a distinct database each time and drops it even with connections left open', async () => {
    const [a, b] = await Promise.all([createTestDatabase('postgres'), createTestDatabase('postgres')]);
    const nameA = new URL(a.url).pathname.slice(1);
    const nameB = new URL(b.url).pathname.slice(1);
    expect(nameA).not.toBe(nameB);
    expect(nameA).toMatch(/^test_[a-z0-9_]+$/);

    const leftOpen = new Client({ connectionString: a.url });
    leftOpen.on('error', () => undefined);
    await leftOpen.connect();
    await leftOpen.query('CREATE TABLE public.t (id int)');

    await Promise.all([a.drop(), b.drop()]);
    await a.drop(); // idempotent
    expect(await databaseExists(nameA)).toBe(false);
    expect(await databaseExists(nameB)).toBe(false);
    await leftOpen.end().catch(() => undefined);
  });

  it('fails (does not skip) with a clear message when PostgreSQL is unreachable', async () => {
    const saved = process.env['TEST_POSTGRES_URL'];
    process.env['TEST_POSTGRES_URL'] = 'postgres://postgres:secret@127.0.0.1:1/postgres';
    try {
      const error = await createTestDatabase('postgres').then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toContain('postgres://postgres:***@127.0.0.1:1/postgres');
      expect(error?.message).toContain('TEST_POSTGRES_URL');
      expect(error?.message).toContain('docker run');
      expect(error?.message).not.toContain('secret');
    } finally {
      if (saved === undefined) delete process.env['TEST_POSTGRES_URL'];
      else process.env['TEST_POSTGRES_URL'] = saved;
    }
  });
});

describe('createTestDatabase(embedded) drop', () => {
  it('stops the embedded server', async () => {
    const testDb = await createTestDatabase('embedded');
    const client = new Client({ connectionString: testDb.url });
    await client.connect();
    await client.end();
    await testDb.drop();
    const after = new Client({ connectionString: testDb.url, connectionTimeoutMillis: 2_000 });
    await expect(after.connect()).rejects.toThrow(/ECONNREFUSED/);
  }, 60_000);
});
