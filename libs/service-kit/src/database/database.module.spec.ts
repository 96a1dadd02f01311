import { Test } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '../testing';
import { Database } from './database';
import { DatabaseModule } from './database.module';

describe('DatabaseModule', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it('provides a Database migrated before anything uses it, and closes it on shutdown', async () => {
    const migrations = [{ id: '001_things', sql: 'CREATE TABLE probe.things (id int PRIMARY KEY)' }];
    const moduleRef = await Test.createTestingModule({ imports: [DatabaseModule.forRoot({ url: testDb.url, schema: 'probe', migrations })] }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const db = app.get(Database);
    await db.query('INSERT INTO probe.things (id) VALUES (1)');
    expect(await db.query('SELECT id FROM probe.things')).toEqual([{ id: 1 }]);
    await app.close();
    await expect(db.ping()).rejects.toThrow();
  });

  it('refuses to start when a migration fails', async () => {
    const migrations = [{ id: '001_broken', sql: 'CREATE TABLE broken.x (id nonsense_type)' }];
    await expect(Test.createTestingModule({ imports: [DatabaseModule.forRoot({ url: testDb.url, schema: 'broken', migrations })] }).compile()).rejects.toThrow(
      /nonsense_type/,
    );
  });
});
