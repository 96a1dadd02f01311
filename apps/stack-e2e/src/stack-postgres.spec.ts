import { createTestDatabase } from '@service-trust/service-kit/testing';
import { type RunningStack, startStack } from './stack';
import { stackBehaviour } from './stack.behaviour';
import { stackObservability } from './stack.observability';

// The same, with every service on one real PostgreSQL database (each in its own schema), and
// the logs, request ids and traces across the services.
describe('the stack on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let stack: RunningStack;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    stack = await startStack({ databaseUrl: db.url });
  }, 60_000);
  afterAll(async () => {
    expect(await stack?.stop()).toBe(0);
    await db?.drop();
  }, 30_000);

  stackBehaviour(() => stack);
  stackObservability(() => stack);
});
