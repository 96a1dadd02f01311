import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../interfaces/principal.interface';

/**
 * Where the guard leaves the principal of a request, keyed by the request object (HTTP) or the
 * RPC context/message (RPC), so nothing has to be written into the message payload.
 */
const principals = new WeakMap<object, Principal>();

/** The object a request's principal is attached to. */
export function principalCarrier(context: ExecutionContext): object | undefined {
  if (context.getType() === 'http') return context.switchToHttp().getRequest<object>();
  const rpc = context.switchToRpc();
  const candidate: unknown = rpc.getContext() ?? rpc.getData();
  return typeof candidate === 'object' && candidate !== null ? candidate : undefined;
}

export function attachPrincipal(context: ExecutionContext, principal: Principal): void {
  const carrier = principalCarrier(context);
  if (carrier) principals.set(carrier, principal);
}

/** The principal the guard attached to this request, if any. */
export function principalOf(context: ExecutionContext): Principal | undefined {
  const carrier = principalCarrier(context);
  return carrier ? principals.get(carrier) : undefined;
}
