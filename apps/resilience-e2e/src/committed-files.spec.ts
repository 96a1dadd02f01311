/**
 * No private key or client secret in the repository: every file `git ls-files` lists is read and
 * searched for PEM private keys with key material, JWK private members, and the demo identities'
 * secrets, which are allowed only in config/demo-identities.json (public, development-only demo
 * credentials; `npm start` refuses NODE_ENV=production).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness';

const DEMO_IDENTITIES = 'config/demo-identities.json';
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----\s*(?:Proc-Type:[^\n]*\n\s*DEK-Info:[^\n]*\n\s*)?[A-Za-z0-9+/=\s]{64,}-----END/;
/** JWK private members (EC/OKP `d`, RSA `d`, `p`, `q`, `dp`, `dq`, `qi`) with a base64url value. */
const JWK_PRIVATE_MEMBER = /["']?\b(?:d|p|q|dp|dq|qi)\b["']?\s*:\s*["'][A-Za-z0-9_-]{32,}["']/;

describe('committed files', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '')
    .filter((file) => {
      try {
        const stat = statSync(join(ROOT, file));
        return stat.isFile() && stat.size < 5_000_000;
      } catch {
        return false; // deleted in the working tree
      }
    });
  const texts = files.map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));

  it('lists the repository', () => {
    expect(files).toContain(DEMO_IDENTITIES);
    expect(files.length).toBeGreaterThan(100);
  });

  it('hold no PEM private key and no JWK private member', () => {
    expect(texts.filter(({ text }) => PEM_PRIVATE_KEY.test(text)).map(({ file }) => file)).toEqual([]);
    expect(texts.filter(({ text }) => JWK_PRIVATE_MEMBER.test(text)).map(({ file }) => file)).toEqual([]);
  });

  it('hold the demo client secrets and passwords only in config/demo-identities.json', () => {
    const demo = JSON.parse(readFileSync(join(ROOT, DEMO_IDENTITIES), 'utf8')) as {
      users: { password: string }[];
      clients: { client_secret: string }[];
    };
    const secrets = [...demo.clients.map((c) => c.client_secret), ...demo.users.map((u) => u.password)];
    expect(secrets.length).toBeGreaterThan(0);
    const leaks = texts.filter(({ file, text }) => file !== DEMO_IDENTITIES && secrets.some((value) => text.includes(value)));
    expect(leaks.map(({ file }) => file)).toEqual([]);
  });

  it('the scanners do find what they look for (self-check)', () => {
    // Assembled here so that no committed file holds a PEM private-key header.
    const dashes = '-'.repeat(5);
    const pem = `${dashes}BEGIN PRIVATE KEY${dashes}\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(3)}\n${dashes}END PRIVATE KEY${dashes}`;
    expect(PEM_PRIVATE_KEY.test(pem)).toBe(true);
    expect(JWK_PRIVATE_MEMBER.test(`{"kty":"EC","d":"${'A'.repeat(43)}"}`)).toBe(true);
    expect(PEM_PRIVATE_KEY.test(`throw new Error('not a ${dashes}BEGIN PRIVATE KEY${dashes} file')`)).toBe(false);
  });
});
