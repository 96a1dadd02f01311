import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets are generated, high-entropy values (at least 128 bits), so a fast hash is
 * enough to store them: SHA-256, compared in constant time. (Passwords, chosen by people,
 * get argon2id instead; see users/password.hasher.ts.)
 */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

export function clientSecretMatches(secret: string, storedHash: string): boolean {
  const candidate = Buffer.from(hashClientSecret(secret));
  const stored = Buffer.from(storedHash);
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}
