import { SignJWT, type CryptoKey } from 'jose';
import type { SigningAlgorithm } from './key.material';

/**
 * What signs a token: the one seam between the grants and key material. The local implementation
 * holds a private key in memory; a deployer can implement this over a KMS/HSM (assembling the JWS
 * signing input and having the device sign it) without touching anything else.
 */
export interface AccessTokenSigner {
  /** The `kid` of the key, as published in the JWKS. */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** Returns a compact JWS of the JSON `claims` with the protected header `{alg, kid, typ}`. */
  signJwt(claims: Record<string, unknown>, typ: string): Promise<string>;
}

/** Signs with a private key held in this process, through jose. */
export class LocalSigner implements AccessTokenSigner {
  constructor(
    readonly kid: string,
    readonly alg: SigningAlgorithm,
    private readonly privateKey: CryptoKey,
  ) {}

  async signJwt(claims: Record<string, unknown>, typ: string): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: this.alg, kid: this.kid, typ }).sign(this.privateKey);
  }
}
