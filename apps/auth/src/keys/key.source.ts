import type { CryptoKey } from 'jose';
import type { AccessTokenSigner } from './access-token.signer';
import type { PublicJwk, SigningAlgorithm } from './key.material';
import type { TimelineKey } from './key.timeline';

/** A key as held in memory: parsed once when loaded, never per request. */
export interface LoadedKey extends TimelineKey {
  readonly alg: SigningAlgorithm;
  readonly publicJwk: PublicJwk;
  readonly verifyKey: CryptoKey;
  /** Absent when this replica cannot use the private key (it can still verify). */
  readonly signer?: AccessTokenSigner;
  /** Set when the key was revoked: it is neither published nor used, whatever the timeline says. */
  readonly revokedAt?: number;
}

/** Where keys come from: the managed table, or a pinned key file (or a KMS, for a deployer). */
export interface KeySource {
  /**
   * Reads every stored key. `known` holds the keys loaded before, which are reused as they are.
   * `strict` (start-up): a private key that cannot be used is an error; otherwise such a key is
   * loaded for verification only and the problem logged.
   */
  load(known: ReadonlyMap<string, LoadedKey>, strict: boolean): Promise<LoadedKey[]>;

  /**
   * Stores a new key as `generation`, to sign from `activatesAt`. Resolves `false` when that
   * generation exists already (another replica got there first). Throws
   * `KeyRotationRefusedError` when this source cannot rotate.
   */
  publishNext(generation: number, activatesAt: number): Promise<boolean>;

  /**
   * Marks a stored key revoked (emergency removal). Resolves `false` when there is no such key.
   * Throws `KeyRotationRefusedError` when this source cannot change its keys.
   */
  revoke(kid: string): Promise<boolean>;

  /** Deletes keys that no verifier can still need. */
  forget(kids: readonly string[]): Promise<void>;
}
