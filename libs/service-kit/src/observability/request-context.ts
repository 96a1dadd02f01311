import { AsyncLocalStorage } from 'node:async_hooks';

/** What is known about the inbound request being served, for logs and outbound calls. */
export interface RequestContext {
  /** The request id: the caller's valid `x-request-id`, or one made here. */
  readonly requestId: string;
  /** W3C trace id (32 hex): continued from a valid incoming `traceparent`, or new. */
  readonly traceId: string;
  /** This service's span id for the request (16 hex). */
  readonly spanId: string;
  /** W3C trace flags (2 hex), e.g. `01` when the caller sampled the trace. */
  readonly traceFlags: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request whose work is running now, or `undefined` outside a request. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `work` (and everything it starts) inside `context`. */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}
