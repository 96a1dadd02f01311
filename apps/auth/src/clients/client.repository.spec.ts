import type { Database } from '@service-trust/service-kit';
import { ClientRepository } from './client.repository';

const row = (disabled = false) => ({ client_id: 'svc', secret_hash: 'h', audiences: ['a'], scopes: ['a:read'], may_exchange_for: [], disabled });

describe('ClientRepository cache', () => {
  function make(seconds: number, rows: Record<string, unknown>) {
    const one = jest.fn(async (_sql: string, params: unknown[]) => rows[params[0] as string]);
    const repo = new ClientRepository({ one, query: jest.fn(async () => []) } as unknown as Database, { clientCacheSeconds: seconds });
    let now = 1_000_000;
    repo.now = () => now;
    return { repo, one, advance: (ms: number) => (now += ms) };
  }

  it('reads a client once per cache period and again after it', async () => {
    const rows: Record<string, unknown> = { svc: row() };
    const { repo, one, advance } = make(10, rows);
    await repo.find('svc');
    await repo.find('svc');
    expect(one).toHaveBeenCalledTimes(1);
    rows['svc'] = row(true); // disabled in the table by an operator
    advance(9_999);
    expect((await repo.find('svc'))?.disabled).toBe(false);
    advance(2);
    expect((await repo.find('svc'))?.disabled).toBe(true);
    expect(one).toHaveBeenCalledTimes(2);
  });

  it('never remembers an unknown client, and forgets a client this replica rewrites', async () => {
    const rows: Record<string, unknown> = {};
    const { repo, one } = make(10, rows);
    expect(await repo.find('svc')).toBeUndefined();
    rows['svc'] = row();
    expect(await repo.find('svc')).toBeDefined();
    await repo.upsert({ clientId: 'svc', secretHash: 'new', audiences: ['a'], scopes: [], mayExchangeFor: [] });
    await repo.find('svc');
    expect(one).toHaveBeenCalledTimes(3);
  });

  it('reads every time when the cache is off (0 seconds)', async () => {
    const { repo, one } = make(0, { svc: row() });
    await repo.find('svc');
    await repo.find('svc');
    expect(one).toHaveBeenCalledTimes(2);
  });
});
