import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@service-trust/service-kit/testing';
import { type AuthTestApp, makeTestIdentities, postForm, postJson, startAuthTestApp } from '../src/testing/auth-test-app';

// Which identities auth provisions at start: the public demo ones only outside production; the
// deployer's AUTH_IDENTITIES_FILE in any environment.
describe('provisioning of users and clients', () => {
  const apps: AuthTestApp[] = [];
  const databases: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
  const start = async (env: Record<string, string>, identities = makeTestIdentities()) => {
    const db = await createTestDatabase('postgres');
    databases.push(db);
    const auth = await startAuthTestApp(db.url, env, identities);
    apps.push(auth);
    return auth;
  };
  const canLogin = async (auth: AuthTestApp) => {
    const alice = auth.identities.users.find((u) => u.username === 'alice')!;
    return (await postJson(`${auth.baseUrl}/auth/login`, { username: 'alice', password: alice.password })).status === 200;
  };
  afterAll(async () => {
    for (const auth of apps) await auth.close();
    for (const db of databases) await db.drop();
  });

  it('ignores the demo identities in production', async () => {
    const auth = await start({ NODE_ENV: 'production' });
    expect(await canLogin(auth)).toBe(false);
    const token = await postForm(`${auth.baseUrl}/oauth/token`, { grant_type: 'client_credentials', audience: 'inventory' }, { authorization: auth.basic('orders-service') });
    expect(token.status).toBe(401);
  });

  it('loads AUTH_IDENTITIES_FILE in production', async () => {
    const identities = makeTestIdentities();
    const file = join(mkdtempSync(join(tmpdir(), 'identities-')), 'identities.json');
    writeFileSync(file, JSON.stringify(identities));
    // The demo file the helper writes holds other secrets: only AUTH_IDENTITIES_FILE may count.
    const auth = await start({ NODE_ENV: 'production', AUTH_IDENTITIES_FILE: file }, identities);
    expect(await canLogin(auth)).toBe(true);
    const token = await postForm(`${auth.baseUrl}/oauth/token`, { grant_type: 'client_credentials', audience: 'inventory' }, { authorization: auth.basic('orders-service') });
    expect(token.status).toBe(200);
  });

  it('refuses to start on an invalid identities file, naming the variable', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'identities-')), 'identities.json');
    writeFileSync(file, JSON.stringify({ users: [{ username: 'x', password: 'short' }], clients: [] }));
    await expect(start({ NODE_ENV: 'production', AUTH_IDENTITIES_FILE: file })).rejects.toThrow(/AUTH_IDENTITIES_FILE: .* is invalid: users\.0\.password/);
  });
});
