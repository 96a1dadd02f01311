import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../interfaces/principal.interface';

/**
 * Where the guard leaves the principal of a request: on the request object (HTTP) or the RPC
 * context/message (RPC), under a private symbol, so nothing visible is written into the message
 * payload. A symbol-keyed slot rather than a WeakMap: a WeakMap keyed by every request costs the
 * garbage collector (ephemeron tables) about as much as the rest of the guard; the WeakMap is
 * kept only for carriers that cannot take a property (frozen or sealed objects).
 */
const PRINCIPAL = Symbol('service-trust.auth-guard.principal');
const principals = new WeakMap<object, Principal>();

type Carrier = { [PRINCIPAL]?: Principal };

/**
 * The object a request's principal is attached to: the request (HTTP), else the RPC context or
 * the message. Read with `getArgByIndex` (what `switchToHttp().getRequest()`,
 * `switchToRpc().getContext()` and `getData()` return), because `switchTo*()` assigns new
 * closures to the context on every call and this runs twice per request.
 */
export function principalCarrier(context: ExecutionContext): object | undefined {
  if (context.getType() === 'http') return context.getArgByIndex<object>(0);
  const candidate: unknown = context.getArgByIndex(1) ?? context.getArgByIndex(0);
  return typeof candidate === 'object' && candidate !== null ? candidate : undefined;
}

export function attachPrincipal(context: ExecutionContext, principal: Principal): void {
  const carrier = principalCarrier(context);
  if (!carrier) return;
  if (Object.isExtensible(carrier)) (carrier as Carrier)[PRINCIPAL] = principal;
  else principals.set(carrier, principal);
}

/** The principal the guard attached to this request, if any. */
export function principalOf(context: ExecutionContext): Principal | undefined {
  const carrier = principalCarrier(context);
  if (!carrier) return undefined;
  return Object.hasOwn(carrier, PRINCIPAL) ? (carrier as Carrier)[PRINCIPAL] : principals.get(carrier);
}
