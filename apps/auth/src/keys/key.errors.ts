import { ConflictException, NotFoundException } from '@nestjs/common';

/**
 * `rotate()` was refused, e.g. because a pinned key (AUTH_SIGNING_KEY_FILE) cannot rotate.
 * It is a Nest `ConflictException`, so the exceptions filter answers 409 without a mapping.
 */
export class KeyRotationRefusedError extends ConflictException {
  override readonly name = 'KeyRotationRefusedError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * The signing keys cannot be loaded as configured (wrong AUTH_KEY_ENCRYPTION_KEY, unusable
 * AUTH_SIGNING_KEY_FILE, ...). Thrown at start-up; the message names the variable to fix and
 * never contains key material.
 */
export class SigningKeyConfigurationError extends Error {
  override readonly name = 'SigningKeyConfigurationError';
}

/** No key can sign right now (e.g. the active key could not be decrypted on this replica). */
export class NoSigningKeyError extends Error {
  override readonly name = 'NoSigningKeyError';
}

/** No stored key has this `kid` (a 404 `NotFoundException`). */
export class UnknownSigningKeyError extends NotFoundException {
  override readonly name = 'UnknownSigningKeyError';

  constructor(kid: string) {
    super({ statusCode: 404, error: 'unknown_key', message: `No signing key has kid "${kid.slice(0, 100)}".` });
  }
}
