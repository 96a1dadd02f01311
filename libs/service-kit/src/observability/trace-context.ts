import { randomBytes, randomUUID } from 'node:crypto';
import { currentRequestContext } from './request-context';

/** A caller's request id is kept only when it is short and made of safe characters. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** W3C Trace Context `traceparent`, version 00 (later versions: the same first four fields). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The caller's `x-request-id` when it is valid (1–64 of `A-Z a-z 0-9 . _ : -`), else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The parts of a valid `traceparent` header, or `undefined` (W3C Trace Context §3.2). */
export function parseTraceparent(header: string | string[] | undefined): { traceId: string; parentId: string; traceFlags: string } | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, traceFlags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, parentId, traceFlags };
}

/** A new random span id (8 bytes, hex). */
export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}

/** A new random trace id (16 bytes, hex). */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The headers an outbound call made while serving a request carries: the request's
 * `x-request-id`, and a `traceparent` continuing its trace with a new span id (the outbound
 * call's own span). `{}` outside a request.
 */
export function outboundRequestHeaders(): Record<string, string> {
  const context = currentRequestContext();
  if (!context) return {};
  return { 'x-request-id': context.requestId, traceparent: `00-${context.traceId}-${newSpanId()}-${context.traceFlags}` };
}
