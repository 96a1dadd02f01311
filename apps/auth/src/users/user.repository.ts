import { Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';

export interface User {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
  readonly roles: readonly string[];
  /** What the user is entitled to, across audiences; a token carries only its audience's share. */
  readonly scopes: readonly string[];
  readonly disabled: boolean;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  roles: string[];
  scopes: string[];
  disabled: boolean;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  roles: row.roles,
  scopes: row.scopes,
  disabled: row.disabled,
});

@Injectable()
export class UserRepository {
  constructor(private readonly db: Database) {}

  async findByUsername(username: string): Promise<User | undefined> {
    const row = await this.db.one<UserRow>('SELECT * FROM auth.users WHERE username = $1', [username]);
    return row && toUser(row);
  }

  async findById(id: string): Promise<User | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const row = await this.db.one<UserRow>('SELECT * FROM auth.users WHERE id = $1', [id]);
    return row && toUser(row);
  }

  /** Creates or updates a user by username, keeping its id (demo identities re-applied at start). */
  async upsert(user: { username: string; passwordHash: string; roles: readonly string[]; scopes: readonly string[] }): Promise<void> {
    await this.db.query(
      `INSERT INTO auth.users (username, password_hash, roles, scopes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, roles = EXCLUDED.roles, scopes = EXCLUDED.scopes`,
      [user.username, user.passwordHash, user.roles, user.scopes],
    );
  }
}
