import { createServer } from 'node:net';

/**
 * Ports are drawn from below Linux's default ephemeral range (32768–60999): a port the kernel
 * handed out and took back can be given again to an outgoing connection before the service that
 * was meant to listen on it starts (EADDRINUSE). A port is returned once per process.
 */
const RANGE_START = 20_000;
const RANGE_END = 32_000;
const handedOut = new Set<number>();

/** A TCP port that is free now on every interface, for a service a test starts. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = RANGE_START + Math.floor(Math.random() * (RANGE_END - RANGE_START));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${RANGE_START} and ${RANGE_END}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
