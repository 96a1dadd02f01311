// A TCP/unix-socket forwarder for the namespace test: `node forward.mjs <listen> <target>`, each
// `tcp:HOST:PORT` or `unix:PATH`. Prints `listening <port>` once it accepts connections.
// Plays Docker's port publishing (host 127.0.0.1 → a container's address) and carries the
// database into the `postgres` namespace (a unix socket crosses network namespaces).
import { createConnection, createServer } from 'node:net';
import { rmSync } from 'node:fs';

const parse = (spec) => {
  if (spec.startsWith('unix:')) return { path: spec.slice(5) };
  const [, host, port] = /^tcp:(.+):(\d+)$/.exec(spec) ?? [];
  if (!host) throw new Error(`bad address ${spec}`);
  return { host, port: Number(port) };
};

const [listen, target] = process.argv.slice(2).map(parse);
const server = createServer((client) => {
  const upstream = createConnection(target);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
});
if (listen.path) rmSync(listen.path, { force: true });
server.listen(listen.path ? { path: listen.path } : { host: listen.host, port: listen.port }, () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'string' ? address : address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
