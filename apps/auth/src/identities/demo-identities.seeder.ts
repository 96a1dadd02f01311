import { readFile } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth.config';
import { hashClientSecret } from '../clients/client-secret';
import { ClientRepository } from '../clients/client.repository';
import { PasswordHasher } from '../users/password.hasher';
import { UserRepository } from '../users/user.repository';
import { demoIdentitiesSchema } from './demo-identities';

/**
 * Provisions users and clients at start from a JSON file (see demo-identities.ts for its shape):
 * `AUTH_IDENTITIES_FILE` when set, in any environment (the deployer's file, e.g. a mounted
 * secret); otherwise, outside production only, the public demo identities of
 * `DEMO_IDENTITIES_FILE`, so a fresh stack can be tried at once. In production without
 * `AUTH_IDENTITIES_FILE` it loads nothing.
 */
@Injectable()
export class DemoIdentitiesSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoIdentities');

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UserRepository,
    private readonly clients: ClientRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const variable = this.config.identitiesFile ? 'AUTH_IDENTITIES_FILE' : 'DEMO_IDENTITIES_FILE';
    const file = this.config.identitiesFile ?? (this.config.production ? undefined : this.config.demoIdentitiesFile);
    if (file === undefined) return;
    const raw = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${variable}: cannot read ${file} (${error.code ?? error.message})`);
    });
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error(`${variable}: ${file} is not valid JSON`);
    }
    const parsed = demoIdentitiesSchema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`${variable}: ${file} is invalid: ${where}`);
    }
    for (const user of parsed.data.users) {
      const existing = await this.users.findByUsername(user.username);
      const keepHash = existing && (await this.hasher.verify(existing.passwordHash, user.password));
      await this.users.upsert({
        username: user.username,
        passwordHash: keepHash ? existing.passwordHash : await this.hasher.hash(user.password),
        roles: user.roles,
        scopes: user.scopes,
      });
    }
    for (const client of parsed.data.clients) {
      await this.clients.upsert({
        clientId: client.client_id,
        secretHash: hashClientSecret(client.client_secret),
        audiences: client.audiences,
        scopes: client.scopes,
        mayExchangeFor: client.may_exchange_for,
      });
    }
    this.logger.log(`Loaded ${parsed.data.users.length} users and ${parsed.data.clients.length} clients from ${variable}`);
  }
}
