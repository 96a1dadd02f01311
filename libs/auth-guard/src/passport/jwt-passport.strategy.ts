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

/** The "key" passport-jwt passes on to its verifier (typed as what it expects). */
function asKey(prepared: PreparedToken, verifier: AccessTokenVerifier): Buffer {
  return new PreparedTokenKey(prepared, verifier) as unknown as Buffer;
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
        let prepared: PreparedToken | Promise<PreparedToken>;
        try {
          prepared = verifier.prepare(rawToken);
        } catch (error) {
          return done(error);
        }
        if (prepared instanceof Promise) prepared.then((p) => done(null, asKey(p, verifier)), (error: unknown) => done(error));
        else done(null, asKey(prepared, verifier));
      },
    });
    installSynchronousVerify(this);
    this.attemptPrototype = Object.create(this, ATTEMPT_ACTIONS) as Attempt;
  }

  /** What every authentication attempt inherits: this strategy plus passport's actions. */
  private readonly attemptPrototype: Attempt;

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
   * Authenticates `token` with this strategy and gives the principal, or throws/rejects with an
   * {@link AuthGuardError} (never anything else). When the key is already known, passport-jwt
   * completes synchronously and so does this method: no promise is made on that path. A promise
   * is returned only while the JWKS is being fetched.
   *
   * The strategy is driven through passport's strategy protocol, as `passport.authenticate()`
   * does it (a per-attempt object inheriting from the strategy, given `success`, `fail` and
   * `error`), but without the middleware around it, which serves sessions, redirects and flash
   * messages and allocates a dozen closures per request. Under load V8 pretenured some of those
   * (allocated them straight into the old generation), which tripled the GC work per request.
   * Here the attempt's actions are methods of a prototype made once, so a request allocates one
   * small object for them.
   */
  authenticateToken(token: string): Principal | Promise<Principal> {
    const attempt = Object.create(this.attemptPrototype) as Attempt;
    attempt.verified = undefined;
    attempt.refusal = undefined;
    attempt.settle = undefined;
    // The attempt is also the request passport-jwt reads the token from (jwtFromRequest).
    attempt[BEARER_TOKEN] = token;
    attempt.authenticate(attempt, AUTHENTICATE_OPTIONS);
    if (attempt.verified) return attempt.verified;
    if (attempt.refusal) throw attempt.refusal;
    return new Promise<Principal>((resolve, reject) => {
      attempt.settle = () => (attempt.verified ? resolve(attempt.verified) : reject(attempt.refusal));
    });
  }
}

const AUTHENTICATE_OPTIONS = Object.freeze({ session: false as const });

/**
 * One authentication attempt: the strategy (by inheritance), the token it authenticates, and the
 * outcome it reports (a principal or an error, set once).
 */
interface Attempt extends StrategyRequest {
  authenticate(request: StrategyRequest, options: { readonly session: false }): void;
  /** The outcome (not `principal`/`error`: `error` is one of passport's actions). */
  verified: Principal | undefined;
  refusal: AuthGuardError | undefined;
  settle: (() => void) | undefined;
}

function report(attempt: Attempt, principal: Principal | undefined, error: AuthGuardError | undefined): void {
  if (attempt.verified || attempt.refusal) return;
  attempt.verified = principal;
  attempt.refusal = error;
  attempt.settle?.();
}

/** `pass` and `redirect` make no sense for a bearer token: the attempt is refused. */
const REFUSE: PropertyDescriptor = {
  value(this: Attempt) {
    report(this, undefined, asAuthError(undefined));
  },
};

/** passport's strategy actions (passport-strategy's `success`, `fail`, `error`, `pass`, `redirect`). */
const ATTEMPT_ACTIONS: PropertyDescriptorMap = {
  success: {
    value(this: Attempt, user: Principal | false, info?: unknown) {
      if (user) report(this, user, undefined);
      else report(this, undefined, asAuthError(info));
    },
  },
  fail: {
    value(this: Attempt, challenge?: unknown) {
      report(this, undefined, asAuthError(challenge));
    },
  },
  error: {
    value(this: Attempt, error: unknown) {
      report(this, undefined, asAuthError(error));
    },
  },
  pass: REFUSE,
  redirect: REFUSE,
};

/**
 * `@nestjs/passport` hands passport-jwt an `async` verify callback that awaits `validate()`, which
 * costs every request a promise and a microtask hop even when `validate()` is synchronous. Ours
 * is synchronous and cannot fail, so the strategy's verify callback (`_verify`, where every
 * passport strategy keeps it) is replaced by a synchronous one with the same contract:
 * `done(null, principal)`. If a future passport-jwt keeps it elsewhere, nothing is replaced and
 * the asynchronous path keeps working (a test notices the change).
 */
function installSynchronousVerify(strategy: AuthGuardJwtStrategy): void {
  const slots = strategy as unknown as { _verify?: unknown; _passReqToCallback?: unknown };
  if (typeof slots._verify !== 'function' || slots._passReqToCallback) return;
  slots._verify = (principal: Principal, done: (error: unknown, user?: Principal) => void) => done(null, strategy.validate(principal));
}

function asAuthError(error: unknown): AuthGuardError {
  return error instanceof AuthGuardError ? error : new InvalidTokenError('invalid_token', 'The token could not be verified');
}
