import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { submitWholeMessageBatches } from './whole-message-batches';

export interface EmbeddedPostgresOptions {
  /** Directory holding the database files; absent = in memory (gone on stop). */
  readonly dataDir?: string;
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** TCP port (default 0 = an ephemeral port chosen by the OS). */
  readonly port?: number;
  /**
   * How many client connections may be open at once (default 100). Every connection is
   * multiplexed onto the one engine; three services with a pool of 10 each need 30.
   */
  readonly maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres@<host>:<port>/postgres`: what to pass as `DATABASE_URL`. */
  readonly url: string;
  readonly port: number;
  /** Closes client connections, stops listening and closes the engine (flushing the data dir). */
  stop(): Promise<void>;
}

/**
 * Starts ONE PGlite engine (PostgreSQL 18 compiled to WebAssembly, ~0.8 GB RSS) and serves it
 * over the PostgreSQL wire protocol, so any client (node-postgres, psql with PGSSLMODE=disable)
 * can connect. Connections are multiplexed onto the single engine; see README.md for exactly
 * what that guarantees. `gen_random_uuid()` is built into PostgreSQL 13+, no extension needed.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const releaseLock = dataDir ? lockDataDir(dataDir) : () => undefined;

  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    db = await PGlite.create(dataDir ? { dataDir } : {});
    server = new PGLiteSocketServer({
      db,
      host,
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? 100,
    });
    submitWholeMessageBatches(server);
    await server.start();
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    releaseLock();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not start the embedded PostgreSQL on ${host}:${options.port ?? 0}` +
        `${dataDir ? ` with data in ${dataDir}` : ' (in memory)'}: ${reason}`,
      { cause: error },
    );
  }

  const port = Number(server.getServerConn().split(':').pop());
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres@${urlHost}:${port}/postgres`,
    port,
    stop() {
      stopping ??= (async () => {
        try {
          await server.stop();
          // Detaching a client that was inside a transaction rolls it back on the engine:
          // let those rollbacks run before the engine closes.
          await new Promise((done) => setImmediate(done));
          await db.close();
        } finally {
          releaseLock();
        }
      })();
      return stopping;
    },
  };
}

/**
 * Two engines on one data directory would corrupt it (PGlite runs PostgreSQL in single-user
 * mode and takes no lock of its own). A `<dataDir>.lock` file holds the owner's pid; a lock
 * whose process is gone is stale and taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockFile, 'utf8').trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `The embedded PostgreSQL data directory ${dataDir} is in use by process ${owner} (lock file ${lockFile}). ` +
            'Stop that process first (or delete the lock file if you are sure it is stale).',
        );
      }
      if (owner === process.pid) {
        throw new Error(`The embedded PostgreSQL data directory ${dataDir} is already open in this process.`);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir} (lock file ${lockFile}).`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
