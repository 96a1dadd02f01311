import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ALLOWED_ACTORS_KEY } from '../decorators/allow-actors.decorator';
import { ALLOWED_CALLERS_KEY } from '../decorators/allow-callers.decorator';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';
import { REQUIRED_SCOPES_KEY } from '../decorators/require-scopes.decorator';
import { ForbiddenCallerError, InsufficientScopeError } from '../errors/auth-guard.error';
import type { Principal } from '../interfaces/principal.interface';

/** The authorization rules of one route, read once from its decorators. */
export interface RoutePolicy {
  readonly isPublic: boolean;
  /** Every scope required (controller and method lists merged). */
  readonly scopes: readonly string[];
  /** Each declared caller list (controller, method) must contain the `client_id`. */
  readonly callers: readonly (readonly string[])[];
  /** Each declared actor list must contain `act.sub` (delegated tokens only). */
  readonly actors: readonly (readonly string[])[];
}

/** Reads (and memoizes per handler and class) the policy of a route. */
export class RoutePolicies {
  private readonly cache = new WeakMap<object, WeakMap<object, RoutePolicy>>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): RoutePolicy {
    const handler = context.getHandler();
    const type = context.getClass();
    let byClass = this.cache.get(handler);
    if (!byClass) this.cache.set(handler, (byClass = new WeakMap()));
    let policy = byClass.get(type);
    if (!policy) byClass.set(type, (policy = this.read(handler, type)));
    return policy;
  }

  private read(handler: object, type: object): RoutePolicy {
    const targets = [handler, type] as [() => unknown, () => unknown];
    const lists = (key: string) =>
      targets.map((t) => this.reflector.get<readonly string[] | undefined>(key, t)).filter((l): l is readonly string[] => l !== undefined);
    return Object.freeze({
      isPublic: this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true,
      scopes: [...new Set(lists(REQUIRED_SCOPES_KEY).flat())],
      callers: lists(ALLOWED_CALLERS_KEY),
      actors: lists(ALLOWED_ACTORS_KEY),
    });
  }
}

/**
 * Applies a route's policy to a verified principal: the caller lists, then (for delegated
 * tokens) the actor lists, then the scopes. Throws {@link ForbiddenCallerError} or
 * {@link InsufficientScopeError}.
 */
export function enforcePolicy(principal: Principal, policy: RoutePolicy): void {
  for (const callers of policy.callers) {
    if (!callers.includes(principal.clientId)) {
      throw new ForbiddenCallerError('caller_not_allowed', 'The calling client is not allowed on this route');
    }
  }
  if (principal.actor) {
    for (const actors of policy.actors) {
      if (!actors.includes(principal.actor.sub)) {
        throw new ForbiddenCallerError('actor_not_allowed', 'The acting service is not allowed on this route');
      }
    }
  }
  for (const scope of policy.scopes) {
    if (!principal.scopes.includes(scope)) throw new InsufficientScopeError(policy.scopes);
  }
}
