import { Injectable } from '@nestjs/common';
import { type Algorithm, hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's parameters: 19 MiB of memory, 2 passes, 1 lane. */
const ARGON2ID: { algorithm: Algorithm; memoryCost: number; timeCost: number; parallelism: number } = {
  algorithm: 2 as Algorithm, // Algorithm.Argon2id (a const enum, which isolated-module compilers cannot inline)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

@Injectable()
export class PasswordHasher {
  /** A real hash of no one's password, verified for unknown users so both paths cost the same. */
  private readonly decoy: Promise<string> = hash('decoy password that matches no account', ARGON2ID);

  hash(password: string): Promise<string> {
    return hash(password, ARGON2ID);
  }

  /** Verifies `password` against `storedHash`, or against the decoy when there is no user. */
  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    const target = storedHash ?? (await this.decoy);
    const ok = await verify(target, password).catch(() => false);
    return storedHash !== undefined && ok;
  }
}
