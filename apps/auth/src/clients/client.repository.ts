import { Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';

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

@Injectable()
export class ClientRepository {
  constructor(private readonly db: Database) {}

  async find(clientId: string): Promise<Client | undefined> {
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
    await this.db.query(
      `INSERT INTO auth.clients (client_id, secret_hash, audiences, scopes, may_exchange_for)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, audiences = EXCLUDED.audiences,
         scopes = EXCLUDED.scopes, may_exchange_for = EXCLUDED.may_exchange_for`,
      [client.clientId, client.secretHash, client.audiences, client.scopes, client.mayExchangeFor],
    );
  }
}
