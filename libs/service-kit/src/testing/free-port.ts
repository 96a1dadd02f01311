import { createServer } from 'node:net';

/**
 * Ports are drawn from below Linux's default ephemeral range (32768–60999): a port the kernel
 * handed out and took back can be given again to an outgoing connection before the service that
 * was meant to listen on it starts (EADDRINUSE). Each process scans its own block of the range
 * (chosen by its pid), from a random point, so test processes running side by side rarely look at
 * the same ports; a port is returned once per process, and only if it can be listened on now.
 */
const RANGE_START = 20_000;
const BLOCK = 500;
const BLOCKS = 24;
const handedOut = new Set<number>();

/** A TCP port that is free now on every interface, for a service a test starts. */
export async function freePort(): Promise<number> {
  const blockStart = RANGE_START + (process.pid % BLOCKS) * BLOCK;
  const offset = Math.floor(Math.random() * BLOCK);
  for (let i = 0; i < BLOCKS * BLOCK; i++) {
    // this process's block first, then the others
    const port = blockStart + ((offset + i) % BLOCK) + Math.floor(i / BLOCK) * BLOCK;
    const wrapped = port >= RANGE_START + BLOCKS * BLOCK ? port - BLOCKS * BLOCK : port;
    if (handedOut.has(wrapped)) continue;
    if (await canListen(wrapped)) {
      handedOut.add(wrapped);
      return wrapped;
    }
  }
  throw new Error(`no free port found between ${RANGE_START} and ${RANGE_START + BLOCKS * BLOCK}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
