import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The shape of pglite-socket's (TypeScript-private) shared query queue that we rely on.
 * Checked at run time: if a new pglite-socket version changes it, starting fails loudly
 * instead of silently serving interleaved protocol messages.
 */
interface QueryQueue {
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number>;
  clearQueueForHandler(handlerId: number): void;
}

/**
 * Extended-protocol messages after which a client waits for nothing: it keeps sending until
 * Sync (or Flush). Parse, Bind, Describe, Execute, Close, CopyData.
 */
const HELD_UNTIL_SYNC = new Set(['P', 'B', 'D', 'E', 'C', 'd'].map((c) => c.charCodeAt(0)));
const TERMINATE = 'X'.charCodeAt(0);

/**
 * Makes pglite-socket's multiplexer run each connection's extended-protocol exchange
 * (Parse/Bind/Describe/Execute/Close … Sync) as ONE unit on the shared engine.
 *
 * Why: pglite-socket 0.2.x queues every protocol message separately in one FIFO shared by all
 * connections. When a client's messages reach the server in several TCP reads (a parameter
 * larger than one socket read, ~64 KB, is enough), another connection's messages run in
 * between. The engine has ONE unnamed prepared statement and ONE unnamed portal, so connection
 * A's Bind then binds connection B's statement: an error at best ("bind message supplies 2
 * parameters, but prepared statement "" requires 1"), A's parameters executed with B's SQL at
 * worst. Holding the messages of a connection until its Sync closes that hole; messages that
 * expect an answer (Sync, Flush, Query, startup, password, CopyDone/Fail …) are submitted at
 * once, together with whatever that connection was holding.
 */
export function submitWholeMessageBatches(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue?: Partial<QueryQueue> }).queryQueue;
  if (typeof queue?.enqueue !== 'function' || typeof queue.clearQueueForHandler !== 'function') {
    throw new Error(
      'embedded-postgres: this @electric-sql/pglite-socket version has no queryQueue.enqueue/clearQueueForHandler; ' +
        'the message-batching fix cannot be applied (see libs/embedded-postgres/README.md).',
    );
  }
  const enqueue = queue.enqueue.bind(queue);
  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  const held = new Map<number, Uint8Array[]>();

  queue.enqueue = (handlerId, message, onData) => {
    const type = message[0] ?? 0;
    const pending = held.get(handlerId);
    if (HELD_UNTIL_SYNC.has(type)) {
      if (pending) pending.push(message);
      else held.set(handlerId, [message]);
      // The client expects no answer yet; the answers come with the batch's last message.
      return Promise.resolve(0);
    }
    held.delete(handlerId);
    // Terminate is answered by PGlite only when it is the first byte of what it is given
    // (anything else would end the single backend); unsynced work of a leaving client is dropped.
    if (!pending || type === TERMINATE) return enqueue(handlerId, message, onData);
    return enqueue(handlerId, concat([...pending, message]), onData);
  };

  queue.clearQueueForHandler = (handlerId) => {
    held.delete(handlerId);
    clearQueueForHandler(handlerId);
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
