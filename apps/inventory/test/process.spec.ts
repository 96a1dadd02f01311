import { spawn } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '../dist/main.js');
const VALID = { DATABASE_URL: 'postgres://127.0.0.1:1/none', SERVICE_CLIENT_ID: 'inventory-service', SERVICE_CLIENT_SECRET: 'x' };

/** Runs the built service with `env` only; resolves its exit code and everything it printed. */
function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('the inventory process', () => {
  it.each([
    ['DATABASE_URL', { ...VALID, DATABASE_URL: 'mysql://db' }],
    ['SERVICE_CLIENT_SECRET', { DATABASE_URL: VALID.DATABASE_URL, SERVICE_CLIENT_ID: VALID.SERVICE_CLIENT_ID }],
    ['AUTH_ISSUER', { ...VALID, AUTH_ISSUER: 'not a url' }],
    ['LOG_LEVEL', { ...VALID, LOG_LEVEL: 'loud' }],
  ])('refuses to start on an invalid %s, naming it, without a stack trace', async (variable, env) => {
    const { code, output } = await run(env);
    expect(code).toBe(1);
    expect(output).toContain(`${variable}: `);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
