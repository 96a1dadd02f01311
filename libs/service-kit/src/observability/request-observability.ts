import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { type RequestContext, runWithRequestContext } from './request-context';
import type { ServiceMetrics } from './service-metrics';
import { newSpanId, newTraceId, parseTraceparent } from './trace-context';

const CONTEXT = Symbol('service-kit.request-context');
const SCOPE = Symbol('service-kit.request-scope');

interface ObservedRequest extends FastifyRequest {
  [CONTEXT]?: RequestContext;
  [SCOPE]?: AsyncResource;
}

/** The route label of a request: its pattern (`/inventory/reservations/:id`), never the raw path. */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

/**
 * Per request, on the Fastify instance (so it covers guards, filters, 404s and non-Nest routes):
 * - a {@link RequestContext}: the request id (`request.id`, from a valid `x-request-id` or new),
 *   echoed as the `x-request-id` response header; the trace id of a valid incoming `traceparent`
 *   or a new one, with a new span id; available through `currentRequestContext()` to everything
 *   the request runs (Nest's logger, outbound calls);
 * - one JSON log line when the response is sent: `method`, `route`, `status`, `durationMs`,
 *   `reqId`, `traceId` (never the URL's query, headers or body);
 * - `http_requests_total` and `http_request_duration_seconds`.
 */
export function observeRequests(fastify: FastifyInstance, logger: Logger, metrics: ServiceMetrics): void {
  fastify.addHook('onRequest', (request: ObservedRequest, reply, done) => {
    const parent = parseTraceparent(request.headers['traceparent']);
    const context: RequestContext = {
      requestId: request.id,
      traceId: parent?.traceId ?? newTraceId(),
      spanId: newSpanId(),
      traceFlags: parent?.traceFlags ?? '01',
    };
    request[CONTEXT] = context;
    reply.header('x-request-id', context.requestId);
    runWithRequestContext(context, () => {
      // The body is read in the socket's async context: re-enter this one before validation and
      // the handler (the technique of @fastify/request-context).
      request[SCOPE] = new AsyncResource('service-kit.request');
      done();
    });
  });
  fastify.addHook('preValidation', (request: ObservedRequest, _reply, done) => {
    const scope = request[SCOPE];
    if (scope) scope.runInAsyncScope(done, request.raw);
    else done();
  });
  fastify.addHook('onResponse', (request: ObservedRequest, reply, done) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    const durationMs = Math.round(reply.elapsedTime * 100) / 100;
    metrics.observeRequest(request.method, route, status, reply.elapsedTime / 1000);
    const context = request[CONTEXT];
    const line = { reqId: request.id, traceId: context?.traceId, method: request.method, route, status, durationMs };
    if (status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request completed');
    done();
  });
}
