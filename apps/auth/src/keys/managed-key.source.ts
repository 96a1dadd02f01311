import { Logger } from '@nestjs/common';
import { LocalSigner } from './access-token.signer';
import type { Clock } from './key.clock';
import { SigningKeyConfigurationError } from './key.errors';
import {
  SIGNING_ALGORITHMS,
  exportPrivateJwk,
  generateSigningKey,
  importPrivateJwk,
  importPublicKey,
  toPublicJwk,
  type SigningAlgorithm,
} from './key.material';
import type { KeySource, LoadedKey } from './key.source';
import type { PrivateKeyCipher } from './private-key.cipher';
import type { SigningKeyRepository, SigningKeyRow } from './signing-key.repository';

/**
 * Managed keys: generated here, stored in `auth.signing_keys` with the private key encrypted,
 * shared by every replica. The first replica to start on an empty table creates generation 1;
 * replicas starting at the same moment lose the INSERT race harmlessly and read the winner's key.
 */
export class ManagedKeySource implements KeySource {
  private readonly logger = new Logger('Keys');

  constructor(
    private readonly repository: SigningKeyRepository,
    private readonly cipher: PrivateKeyCipher,
    private readonly alg: SigningAlgorithm,
    private readonly clock: Clock,
  ) {}

  async load(known: ReadonlyMap<string, LoadedKey>, strict: boolean): Promise<LoadedKey[]> {
    let rows = await this.repository.list();
    if (rows.length === 0) {
      await this.publishNext(1, this.clock.now());
      rows = await this.repository.list();
    }
    const keys: LoadedKey[] = [];
    for (const row of rows) {
      const key = known.get(row.kid) ?? (await this.loadRow(row, strict));
      keys.push(row.revokedAt === undefined ? key : { ...key, revokedAt: row.revokedAt });
    }
    return keys;
  }

  async publishNext(generation: number, activatesAt: number): Promise<boolean> {
    const key = await generateSigningKey(this.alg);
    const privateKeyEnc = await this.cipher.encrypt(await exportPrivateJwk(key), key.kid);
    return this.repository.insert({ generation, kid: key.kid, alg: key.alg, publicJwk: key.publicJwk, privateKeyEnc, activatesAt });
  }

  async revoke(kid: string): Promise<boolean> {
    return this.repository.revoke(kid);
  }

  async forget(kids: readonly string[]): Promise<void> {
    await this.repository.delete(kids);
  }

  private async loadRow(row: SigningKeyRow, strict: boolean): Promise<LoadedKey> {
    const alg = SIGNING_ALGORITHMS.find((candidate) => candidate === row.alg);
    if (!alg) throw new SigningKeyConfigurationError(`Signing key ${row.kid} has an unsupported alg.`);
    const publicJwk = await toPublicJwk(row.publicJwk, alg);
    if (publicJwk.kid !== row.kid) throw new SigningKeyConfigurationError(`The public key of signing key ${row.kid} does not match its kid.`);
    const base = { kid: row.kid, generation: row.generation, activatesAt: row.activatesAt, alg, publicJwk, verifyKey: await importPublicKey(publicJwk) };
    try {
      const privateKey = await importPrivateJwk(await this.cipher.decrypt(row.privateKeyEnc, row.kid), alg, row.kid);
      return { ...base, signer: new LocalSigner(row.kid, alg, privateKey) };
    } catch {
      // No detail from the failure: it could only be about key material.
      const message =
        `Cannot decrypt signing key ${row.kid} stored in auth.signing_keys: AUTH_KEY_ENCRYPTION_KEY is not the secret ` +
        'it was encrypted with (or the row is damaged). Start with the AUTH_KEY_ENCRYPTION_KEY the keys were created under.';
      if (strict) throw new SigningKeyConfigurationError(message);
      this.logger.error(`${message} This replica will not sign with that key.`);
      return base;
    }
  }
}
