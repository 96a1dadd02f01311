import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createTestDatabase, freePort, startServiceProcess } from '@service-trust/service-kit/testing';

const MAIN = join(__dirname, '../dist/main.js');

const ROOT = join(__dirname, '../../..');
const run = (env: Record<string, string>, port = 0) => startServiceProcess(MAIN, { PORT: String(port), ...env }, ROOT);

describe('the auth process', () => {
  it('refuses to start on invalid configuration, naming the variable', async () => {
    const proc = run({ DATABASE_URL: 'postgres://x/y', AUTH_SIGNING_ALG: 'HS256', AUTH_KEY_ENCRYPTION_KEY: 'k'.repeat(40) });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('AUTH_SIGNING_ALG');
    expect(proc.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses to start without DATABASE_URL, saying what to set', async () => {
    const proc = run({ AUTH_KEY_ENCRYPTION_KEY: 'k'.repeat(40) });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('DATABASE_URL');
  });

  it('serves, then shuts down gracefully on SIGTERM (exit 0) without losing an in-flight request', async () => {
    const db = await createTestDatabase('postgres');
    try {
      const port = await freePort();
      const proc = run({ DATABASE_URL: db.url, AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'), NODE_ENV: 'production' }, port);
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 20_000;
      while ((await fetch(`${base}/health/ready`).then((r) => r.status, () => 0)) !== 200) {
        if (Date.now() > deadline) throw new Error(`auth not ready:\n${proc.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // argon2 makes a login take some milliseconds: SIGTERM arrives while it is in flight. The
      // client keeps its connection alive, so the server must close it for the process to exit.
      const inFlight = fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody', password: 'x' }),
      });
      await new Promise((r) => setTimeout(r, 5));
      proc.child.kill('SIGTERM');
      // Answered, not dropped: 401 when it arrived before the drain began, 503 when after.
      expect([401, 503]).toContain((await inFlight).status);
      expect(await proc.exited).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
