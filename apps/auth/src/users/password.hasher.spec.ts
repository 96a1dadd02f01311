import { PasswordHasher } from './password.hasher';

// The module object the hasher calls into (CommonJS, so a spy on it sees the hasher's calls).
const argon2 = require('@node-rs/argon2') as typeof import('@node-rs/argon2');

describe('PasswordHasher', () => {
  afterEach(() => jest.restoreAllMocks());

  it('hashes with argon2id at the OWASP parameters (19 MiB, 2 passes, 1 lane)', async () => {
    const hash = await new PasswordHasher().hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('accepts the right password only', async () => {
    const hasher = new PasswordHasher();
    const stored = await hasher.hash('right password');
    expect(await hasher.verify(stored, 'right password')).toBe(true);
    expect(await hasher.verify(stored, 'wrong password')).toBe(false);
  });

  // Login must not reveal whether a user exists: an unknown user costs the same work as a wrong
  // password, one argon2id verification against a hash of the same parameters. (Checked by the
  // work done rather than by wall-clock time, which a loaded machine makes meaningless.)
  it('spends one argon2id verification on an unknown user, like on a wrong password', async () => {
    const hasher = new PasswordHasher();
    const stored = await hasher.hash('right password');
    const verify = jest.spyOn(argon2, 'verify');
    expect(await hasher.verify(undefined, 'guess')).toBe(false);
    expect(await hasher.verify(stored, 'guess')).toBe(false);
    expect(verify).toHaveBeenCalledTimes(2);
    const [decoyHash] = verify.mock.calls[0] as [string];
    const [realHash] = verify.mock.calls[1] as [string];
    const parameters = (hash: string) => hash.split('$').slice(1, 4).join('$');
    expect(parameters(decoyHash)).toBe(parameters(realHash));
    expect(decoyHash).not.toBe(realHash);
  });

  it('never accepts a password for an unknown user, even the decoy one', async () => {
    expect(await new PasswordHasher().verify(undefined, 'decoy password that matches no account')).toBe(false);
  });
});
