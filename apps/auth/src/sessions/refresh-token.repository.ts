import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';

export interface RefreshToken {
  readonly familyId: string;
  readonly userId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly expiresAt: Date;
  readonly spent: boolean;
  readonly revoked: boolean;
}

interface RefreshRow {
  family_id: string;
  user_id: string;
  client_id: string;
  scope: string;
  expires_at: Date;
  spent_at: Date | null;
  revoked_at: Date | null;
}

const toToken = (row: RefreshRow): RefreshToken => ({
  familyId: row.family_id,
  userId: row.user_id,
  clientId: row.client_id,
  scope: row.scope,
  expiresAt: row.expires_at,
  spent: row.spent_at !== null,
  revoked: row.revoked_at !== null,
});

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('base64url');

/**
 * Opaque refresh tokens: 256 random bits handed out once, stored only as their SHA-256.
 * Each is single-use; rotation spends it atomically (one conditional UPDATE, so two concurrent
 * uses cannot both win) and issues the next in the same family.
 */
@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly db: Database) {}

  /** Issues a refresh token, in `familyId` or in a new family. Returns the token itself. */
  async issue(grant: { userId: string; clientId: string; scope: string; lifetimeSeconds: number; familyId?: string }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.db.query(
      `INSERT INTO auth.refresh_tokens (token_hash, family_id, user_id, client_id, scope, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [digest(token), grant.familyId ?? randomUUID(), grant.userId, grant.clientId, grant.scope, grant.lifetimeSeconds],
    );
    return token;
  }

  /** Spends a live token; `undefined` when it is unknown, spent, revoked or expired. */
  async spend(token: string): Promise<RefreshToken | undefined> {
    const row = await this.db.one<RefreshRow>(
      `UPDATE auth.refresh_tokens SET spent_at = now()
       WHERE token_hash = $1 AND spent_at IS NULL AND revoked_at IS NULL AND expires_at > now()
       RETURNING *`,
      [digest(token)],
    );
    return row && toToken(row);
  }

  /** The token whatever its state, or `undefined` when it was never issued. */
  async findAny(token: string): Promise<RefreshToken | undefined> {
    const row = await this.db.one<RefreshRow>('SELECT * FROM auth.refresh_tokens WHERE token_hash = $1', [digest(token)]);
    return row && toToken(row);
  }

  /** The token if it is live (not spent, revoked or expired). */
  async findLive(token: string): Promise<RefreshToken | undefined> {
    const found = await this.findAny(token);
    return found && !found.spent && !found.revoked && found.expiresAt > new Date() ? found : undefined;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db.query('UPDATE auth.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  }

  async prune(): Promise<void> {
    await this.db.query(`DELETE FROM auth.refresh_tokens WHERE expires_at < now() - interval '1 day'`);
  }
}
