import type { Database } from '@service-trust/service-kit';
import type { PublicJwk } from './key.material';

/** A row of `auth.signing_keys`; the private key only ever as ciphertext. */
export interface SigningKeyRow {
  readonly generation: number;
  readonly kid: string;
  readonly alg: string;
  readonly publicJwk: PublicJwk;
  readonly privateKeyEnc: string;
  readonly activatesAt: number;
  /** When the key was revoked (emergency removal); absent for a key in good standing. */
  readonly revokedAt?: number;
}

interface DbRow {
  generation: number;
  kid: string;
  alg: string;
  public_jwk: PublicJwk;
  private_key_enc: string;
  activates_at: Date;
  revoked_at: Date | null;
}

/** Reads and writes `auth.signing_keys`, one statement at a time. */
export class SigningKeyRepository {
  constructor(private readonly db: Database) {}

  /** Every stored key, oldest generation first. */
  async list(): Promise<SigningKeyRow[]> {
    const rows = await this.db.query<DbRow>(
      `SELECT generation, kid, alg, public_jwk, private_key_enc, activates_at, revoked_at
         FROM auth.signing_keys ORDER BY generation`,
    );
    return rows.map((row) => ({
      generation: row.generation,
      kid: row.kid,
      alg: row.alg,
      publicJwk: row.public_jwk,
      privateKeyEnc: row.private_key_enc,
      activatesAt: row.activates_at.getTime(),
      ...(row.revoked_at ? { revokedAt: row.revoked_at.getTime() } : {}),
    }));
  }

  /** Inserts `row` unless its generation (or kid) exists; true when this call inserted it. */
  async insert(row: SigningKeyRow): Promise<boolean> {
    const inserted = await this.db.query(
      `INSERT INTO auth.signing_keys (generation, kid, alg, public_jwk, private_key_enc, activates_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING
       RETURNING generation`,
      [row.generation, row.kid, row.alg, JSON.stringify(row.publicJwk), row.privateKeyEnc, new Date(row.activatesAt)],
    );
    return inserted.length === 1;
  }

  /** Marks `kid` revoked (once; a second call keeps the first time). False when there is no such key. */
  async revoke(kid: string): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE auth.signing_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE kid = $1 RETURNING kid',
      [kid],
    );
    return rows.length === 1;
  }

  async delete(kids: readonly string[]): Promise<void> {
    if (kids.length > 0) await this.db.query('DELETE FROM auth.signing_keys WHERE kid = ANY($1::text[])', [kids]);
  }
}
