import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { Strategy } from 'passport-jwt';
import { AuthGuardError, InvalidTokenError } from '../errors/auth-guard.error';
import type { Principal } from '../interfaces/principal.interface';
import { AccessTokenVerifier, type PreparedToken } from '../jwt/access-token.verifier';

/** Where the guard leaves the already-extracted token for `jwtFromRequest`. */
export const BEARER_TOKEN = Symbol('service-trust.auth-guard.bearer-token');

/** The request shape the strategy works on: any object carrying the extracted token. */
export interface StrategyRequest {
  [BEARER_TOKEN]?: string;
}

type JwtVerifierFn = (token: string, secretOrKey: unknown, options: unknown, callback: (error: unknown, payload?: unknown) => void) => void;

/**
 * What `secretOrKeyProvider` hands to passport-jwt: the parsed token and its JWKS key (or a
 * cached verification), to be checked by {@link AccessTokenVerifier.finish}.
 */
const PREPARED_KEY = Symbol.for('service-trust.auth-guard.prepared-token-key');
class PreparedTokenKey {
  readonly [PREPARED_KEY] = true;
  constructor(
    private readonly prepared: PreparedToken,
    private readonly verifier: AccessTokenVerifier,
  ) {}
  finish(): Principal {
    return this.verifier.finish(this.prepared);
  }
}

/** Recognised by brand rather than `instanceof`, so two copies of this library cooperate. */
function isPreparedTokenKey(value: unknown): value is PreparedTokenKey {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PREPARED_KEY] === true;
}

/*
 * Why the verifier is replaced: passport-jwt verifies with `jsonwebtoken`, which has no EdDSA,
 * re-parses PEM strings on every request and exposes fewer checks than RFC 9068/8725 require
 * (typ, crit, key-carrying headers, per-key algorithm binding, strict base64url). passport-jwt
 * provides `JwtStrategy.JwtVerifier` as its extension point. It is a single static, so it is
 * wrapped, not replaced: tokens whose "key" is a PreparedTokenKey (only ours) are finished by
 * AccessTokenVerifier (node:crypto on pre-imported KeyObjects); anything else — any other
 * passport-jwt strategy of the application — still goes to the original jsonwebtoken verifier.
 */
const patchable = Strategy as unknown as { JwtVerifier: JwtVerifierFn };
const wrappedMarker = Symbol.for('service-trust.auth-guard.jwt-verifier');
function installVerifier(): void {
  const current = patchable.JwtVerifier;
  if ((current as unknown as Record<symbol, unknown>)[wrappedMarker]) return;
  const wrapped: JwtVerifierFn = (token, secretOrKey, options, callback) => {
    if (!isPreparedTokenKey(secretOrKey)) return current(token, secretOrKey, options, callback);
    let principal: Principal;
    try {
      principal = secretOrKey.finish();
    } catch (error) {
      return callback(error);
    }
    callback(null, principal);
  };
  Object.defineProperty(wrapped, wrappedMarker, { value: true });
  patchable.JwtVerifier = wrapped;
}
installVerifier();

/** Each strategy instance has its own Passport instance: no global registry is touched. */
const passports = new WeakMap<object, passport.PassportStatic>();

/**
 * The passport-jwt strategy of the guard. passport-jwt drives the flow (token from the request,
 * key from `secretOrKeyProvider`, verification, `validate`); the key comes from the JWKS key
 * source and verification is done by {@link AccessTokenVerifier}.
 */
@Injectable()
export class AuthGuardJwtStrategy extends PassportStrategy(Strategy, 'service-trust-jwt') {
  constructor(@Inject(AccessTokenVerifier) verifier: AccessTokenVerifier) {
    super({
      jwtFromRequest: (request: StrategyRequest) => request[BEARER_TOKEN] ?? null,
      secretOrKeyProvider: (_request: unknown, rawToken: string, done: (error: unknown, key?: string | Buffer) => void) => {
        const asKey = (prepared: PreparedToken) => new PreparedTokenKey(prepared, verifier) as unknown as Buffer;
        let prepared: PreparedToken | Promise<PreparedToken>;
        try {
          prepared = verifier.prepare(rawToken);
        } catch (error) {
          return done(error);
        }
        if (prepared instanceof Promise) prepared.then((p) => done(null, asKey(p)), (error: unknown) => done(error));
        else done(null, asKey(prepared));
      },
    });
  }

  /** passport-jwt's verify callback: the "payload" is already the verified principal. */
  validate(principal: Principal): Principal {
    return principal;
  }

  /** A private Passport instance, so the application's own `jwt` strategy is never replaced. */
  getPassportInstance(): passport.PassportStatic {
    let instance = passports.get(this);
    if (!instance) {
      instance = new passport.Passport() as passport.PassportStatic;
      passports.set(this, instance);
    }
    return instance;
  }

  /**
   * Runs passport's `authenticate` for `token` and resolves the principal, or rejects with an
   * {@link AuthGuardError} (never anything else).
   */
  authenticateToken(token: string): Promise<Principal> {
    const request: StrategyRequest = { [BEARER_TOKEN]: token };
    return new Promise<Principal>((resolve, reject) => {
      const middleware = this.getPassportInstance().authenticate(
        'service-trust-jwt',
        { session: false },
        (error: unknown, user: Principal | false, info: unknown) => {
          if (user) resolve(user);
          else reject(asAuthError(error ?? info));
        },
      ) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
      middleware(request, {}, (error?: unknown) => reject(asAuthError(error)));
    });
  }
}

function asAuthError(error: unknown): AuthGuardError {
  return error instanceof AuthGuardError ? error : new InvalidTokenError('invalid_token', 'The token could not be verified');
}
