import { InvalidTokenError } from '../errors/auth-guard.error';
import type { AsymmetricAlgorithm } from '../interfaces/auth-guard-module-options.interface';
import type { Principal } from '../interfaces/principal.interface';
import type { JwksKeySource } from '../jwks/jwks-key.source';
import type { VerificationKey } from '../jwks/jwk.importer';
import { checkClaims, checkTimes, rawTokenSlot, timesOf, type ClaimRules } from './access-token.claims';
import { parseCompactJws, type ParsedJws } from './compact-jws.parser';
import { checkJoseHeader, type CheckedJoseHeader } from './jose-header.rules';
import { VerifiedTokenCache, type VerifiedTokenEntry } from './verified-token.cache';

/** Settings of an {@link AccessTokenVerifier}. */
export interface AccessTokenVerifierOptions extends ClaimRules {
  readonly algorithms: readonly AsymmetricAlgorithm[];
  /** Enables the verified-token cache with this many entries. */
  readonly tokenCacheMaxEntries?: number;
  /** Clock in ms (tests). Default: `Date.now`. */
  readonly now?: () => number;
}

/**
 * A token after the asynchronous step (key lookup): either parsed with its key, ready for the
 * synchronous checks, or found in the verified-token cache.
 */
export type PreparedToken =
  | { readonly kind: 'parsed'; readonly token: string; readonly jws: ParsedJws<KnownHeader>; readonly key: VerificationKey }
  | { readonly kind: 'cached'; readonly token: string; readonly entry: VerifiedTokenEntry };

/** A header that passed its rules: decoded once, with what the rules made of it. */
interface KnownHeader {
  readonly header: Readonly<Record<string, unknown>>;
  readonly checked: CheckedJoseHeader;
}

/** Distinct headers remembered after their checks passed, and the longest one remembered. */
const MAX_CACHED_HEADERS = 16;
const MAX_CACHED_HEADER_LENGTH = 512;

/** The raw access token a {@link Principal} was verified from (for token exchange). */
export function rawTokenOf(principal: Principal): string | undefined {
  return rawTokenSlot(principal);
}

/**
 * Verifies RFC 9068 access tokens. The check order is: size cap and strict compact parsing,
 * header rules (`alg` allow-list, no `jku`/`jwk`/`x5u`/`x5c`, no `crit`, `typ`, `kid`), key
 * lookup by `kid` in the JWKS, the key's own algorithm equals `alg`, the signature, then the
 * claims. Claim errors are only reported for correctly signed tokens.
 *
 * Signatures are checked with `node:crypto` on KeyObjects imported once per key, which supports
 * EdDSA and does no per-request key parsing.
 */
export class AccessTokenVerifier {
  private readonly cache: VerifiedTokenCache | undefined;
  private readonly headers = new Map<string, KnownHeader>();
  private readonly now: () => number;

  constructor(
    private readonly options: AccessTokenVerifierOptions,
    private readonly keys: JwksKeySource,
  ) {
    this.cache = options.tokenCacheMaxEntries ? new VerifiedTokenCache(options.tokenCacheMaxEntries) : undefined;
    this.now = options.now ?? Date.now;
  }

  /** Verifies `token` and returns its principal. Rejects with {@link InvalidTokenError}. */
  async verify(token: string): Promise<Principal> {
    return this.finish(await this.prepare(token));
  }

  /**
   * First step: cache lookup, parsing, header rules and key lookup. Synchronous when the key is
   * already known; a promise only when the JWKS must be fetched. Throws/rejects with
   * {@link InvalidTokenError}.
   */
  prepare(token: string): PreparedToken | Promise<PreparedToken> {
    if (this.cache) {
      const hit = this.cache.get(token);
      if (hit && this.keys.has(hit.kid)) return { kind: 'cached', token, entry: hit };
      if (hit) this.cache.delete(token);
    }
    const jws = parseCompactJws(token, this.headers);
    const header = jws.known ? jws.known.checked : this.checkHeader(jws);
    const known = this.keys.peek(header.kid);
    if (known) return this.bind(token, jws, header.alg, known);
    return this.keys.getKey(header.kid).then((key) => {
      if (!key) throw new InvalidTokenError('unknown_key', 'The token was signed with an unknown key');
      return this.bind(token, jws, header.alg, key);
    });
  }

  /**
   * Second step, synchronous: signature and claims (or only the time rules for a cached
   * verification). Throws {@link InvalidTokenError}.
   */
  finish(prepared: PreparedToken): Principal {
    const nowSeconds = this.now() / 1000;
    if (prepared.kind === 'cached') {
      try {
        checkTimes(prepared.entry.times, this.options, nowSeconds);
      } catch (error) {
        this.cache?.delete(prepared.token);
        throw error;
      }
      return prepared.entry.principal;
    }
    const { jws, key, token } = prepared;
    if (!key.verify(jws.signingInput, jws.signature)) {
      throw new InvalidTokenError('invalid_signature', 'The token signature is invalid');
    }
    const principal = checkClaims(jws.payload, this.options, nowSeconds, token);
    this.cache?.set(token, { principal, times: timesOf(principal), kid: key.kid });
    return principal;
  }

  /**
   * The header rules for a header not seen before. Every token of one key has the same first
   * part, so its decoded and checked form is remembered (a few entries; the table is emptied
   * when full, so headers made up by a client cannot grow it).
   */
  private checkHeader(jws: ParsedJws<KnownHeader>): CheckedJoseHeader {
    const checked = checkJoseHeader(jws.header, this.options.algorithms);
    if (jws.headerPart.length <= MAX_CACHED_HEADER_LENGTH) {
      if (this.headers.size >= MAX_CACHED_HEADERS) this.headers.clear();
      this.headers.set(jws.headerPart, { header: Object.freeze(jws.header), checked });
    }
    return checked;
  }

  private bind(token: string, jws: ParsedJws<KnownHeader>, alg: AsymmetricAlgorithm, key: VerificationKey): PreparedToken {
    if (key.alg !== alg) {
      throw new InvalidTokenError('algorithm_mismatch', 'The token algorithm does not match its key');
    }
    return { kind: 'parsed', token, jws, key };
  }
}
