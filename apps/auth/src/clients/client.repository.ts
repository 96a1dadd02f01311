import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';

/** A client of the issuer (a service, or an operator's tool) and what it may ask for. */
export interface Client {
  readonly clientId: string;
  readonly secretHash: string;
  readonly audiences: readonly string[];
  readonly scopes: readonly string[];
  readonly mayExchangeFor: readonly string[];
  readonly disabled: boolean;
}

interface ClientRow {
  client_id: string;
  secret_hash: string;
  audiences: string[];
  scopes: string[];
  may_exchange_for: string[];
  disabled: boolean;
}

/** Most clients a replica remembers; the table is emptied when full (clients are few). */
const MAX_CACHED_CLIENTS = 1000;

/**
 * The clients table. A client's row is reused for `AUTH_CLIENT_CACHE_SECONDS` (default 10) by
 * the replica that read it, so a service fetching tokens does not cost a query each time; a
 * change made in the table (a disabled client, a new secret) reaches every replica within that
 * time, and this replica's own writes at once. Unknown client ids are never remembered.
 */
@Injectable()
export class ClientRepository {
  private readonly cache = new Map<string, { readonly client: Client; readonly until: number }>();
  private readonly cacheMs: number;
  /** Clock in ms (tests). */
  now: () => number = Date.now;

  constructor(
    private readonly db: Database,
    @Inject(AUTH_CONFIG) config: Pick<AuthConfig, 'clientCacheSeconds'>,
  ) {
    this.cacheMs = config.clientCacheSeconds * 1000;
  }

  async find(clientId: string): Promise<Client | undefined> {
    const cached = this.cache.get(clientId);
    if (cached && cached.until > this.now()) return cached.client;
    const client = await this.read(clientId);
    if (client && this.cacheMs > 0) {
      if (this.cache.size >= MAX_CACHED_CLIENTS) this.cache.clear();
      this.cache.set(clientId, { client, until: this.now() + this.cacheMs });
    } else this.cache.delete(clientId);
    return client;
  }

  private async read(clientId: string): Promise<Client | undefined> {
    const row = await this.db.one<ClientRow>('SELECT * FROM auth.clients WHERE client_id = $1', [clientId]);
    return row && {
      clientId: row.client_id,
      secretHash: row.secret_hash,
      audiences: row.audiences,
      scopes: row.scopes,
      mayExchangeFor: row.may_exchange_for,
      disabled: row.disabled,
    };
  }

  /** Creates or replaces a client (demo identities are re-applied at every start). */
  async upsert(client: Omit<Client, 'disabled'>): Promise<void> {
    this.cache.delete(client.clientId);
    await this.db.query(
      `INSERT INTO auth.clients (client_id, secret_hash, audiences, scopes, may_exchange_for)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, audiences = EXCLUDED.audiences,
         scopes = EXCLUDED.scopes, may_exchange_for = EXCLUDED.may_exchange_for`,
      [client.clientId, client.secretHash, client.audiences, client.scopes, client.mayExchangeFor],
    );
  }
}
