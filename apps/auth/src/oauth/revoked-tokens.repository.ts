import { Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';

/**
 * Access tokens revoked before they expire (RFC 7009), by `jti`. Resource servers verify
 * tokens locally and do not consult this list; introspection and token exchange do.
 */
@Injectable()
export class RevokedTokensRepository {
  constructor(private readonly db: Database) {}

  async revoke(jti: string, expiresAt: number): Promise<void> {
    await this.db.query(
      `INSERT INTO auth.revoked_access_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT (jti) DO NOTHING`,
      [jti, expiresAt],
    );
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.db.one('SELECT 1 FROM auth.revoked_access_tokens WHERE jti = $1', [jti])) !== undefined;
  }

  async prune(): Promise<void> {
    await this.db.query('DELETE FROM auth.revoked_access_tokens WHERE expires_at < now()');
  }
}
