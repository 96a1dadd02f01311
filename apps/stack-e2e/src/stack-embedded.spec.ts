import { type RunningStack, startStack } from './stack';
import { stackBehaviour } from './stack.behaviour';

// The three services as real processes, started by `npm start`'s launcher on the embedded database.
describe('the stack on the embedded database', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => {
    expect(await stack?.stop()).toBe(0);
  }, 30_000);

  stackBehaviour(() => stack);
});
