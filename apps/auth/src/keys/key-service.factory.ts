import type { Database } from '@service-trust/service-kit';
import type { AuthConfig } from '../config/auth.config';
import type { Clock } from './key.clock';
import { SigningKeyConfigurationError } from './key.errors';
import { KeyRingService } from './key-ring.service';
import type { KeySource } from './key.source';
import { ManagedKeySource } from './managed-key.source';
import { PinnedKeySource } from './pinned-key.source';
import { PrivateKeyCipher } from './private-key.cipher';
import { SigningKeyRepository } from './signing-key.repository';

/**
 * Builds and starts the key service the configuration asks for: the pinned key of
 * AUTH_SIGNING_KEY_FILE, or managed keys in `auth.signing_keys` encrypted under
 * AUTH_KEY_ENCRYPTION_KEY. Rejects (stopping start-up) when the keys cannot be used.
 */
export async function createKeyService(config: AuthConfig, db: Database, clock: Clock): Promise<KeyRingService> {
  const { signing } = config;
  let source: KeySource;
  if (signing.keyFile) {
    source = new PinnedKeySource(signing.keyFile, signing.alg);
  } else {
    if (!signing.keyEncryptionKey) {
      throw new SigningKeyConfigurationError('AUTH_KEY_ENCRYPTION_KEY is required to encrypt the managed signing keys at rest (or set AUTH_SIGNING_KEY_FILE).');
    }
    source = new ManagedKeySource(new SigningKeyRepository(db), new PrivateKeyCipher(signing.keyEncryptionKey), signing.alg, clock);
  }
  const service = new KeyRingService(source, clock, {
    issuer: config.issuer,
    prepublishSeconds: signing.prepublishSeconds,
    retentionSeconds: signing.retentionSeconds,
  });
  return service.start();
}
