import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Authenticator } from './auth.js';
import { Engine } from './engine.js';
import { createRequestHandler } from './http-interface.js';

/**
 * The embedded store as one object: the engine on `<dataDir>/engine`, the HTTP interface on
 * 127.0.0.1, and an orderly stop. Loopback only, by design: the password is a second lock, not
 * the only one.
 */

export const LISTEN_HOST = '127.0.0.1';

export interface EmbeddedServerOptions {
  dataDir: string;
  port: number;
  password: string;
  log: (line: string) => void;
}

export interface RunningEmbeddedServer {
  port: number;
  url: string;
  engine: Engine;
  /** Finishes in-flight requests (bounded), refuses new ones, closes the engine. */
  stop(graceMs?: number): Promise<void>;
}

export function engineDir(dataDir: string): string {
  return join(dataDir, 'engine');
}

export function spoolDir(dataDir: string): string {
  return join(dataDir, 'spool');
}

export async function startEmbeddedServer(opts: EmbeddedServerOptions): Promise<RunningEmbeddedServer> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const spool = spoolDir(opts.dataDir);
  mkdirSync(spool, { recursive: true, mode: 0o700 });

  const pidFile = join(opts.dataDir, 'server.pid');
  let engine: Engine;
  try {
    engine = await Engine.open(engineDir(opts.dataDir), writeEngineConfig(opts.dataDir));
  } catch (err) {
    const holder = livePid(pidFile);
    if (holder !== undefined) {
      throw new Error(`data directory ${opts.dataDir} is in use by another embedded store (pid ${holder}); stop it first or use another --data-dir`);
    }
    throw err;
  }
  // Spool files of a previous run belong to requests that were never acknowledged.
  for (const f of readdirSync(spool)) if (f.endsWith('.bin')) rmSync(join(spool, f), { force: true });

  let shuttingDown = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const handler = createRequestHandler({
    engine,
    auth: new Authenticator(opts.password),
    spoolDir: spool,
    log: opts.log,
    shuttingDown: () => shuttingDown,
  });
  const server: Server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
    handler(req, res);
  });
  // Longer than the exporter's flush interval, so its connections are reused between batches
  // instead of racing a server-side close.
  server.keepAliveTimeout = 10_000;
  server.headersTimeout = 60_000;
  server.requestTimeout = 300_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: LISTEN_HOST, port: opts.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await engine.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new Error(`port ${opts.port} on ${LISTEN_HOST} is already in use; pick another --port (0 = any free port)`);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  // Only consulted when the engine refuses the directory, to name the process holding it.
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 30_000): Promise<void> => {
    stopping ??= (async () => {
      shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (idle = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
      await engine.close();
      rmSync(pidFile, { force: true });
    })();
    return stopping;
  };

  return { port, url: `http://${LISTEN_HOST}:${port}`, engine, stop };
}

/** The engine's whole server configuration, rewritten at every start so it cannot drift. */
function writeEngineConfig(dataDir: string): string {
  const path = join(dataDir, 'engine-config.xml');
  writeFileSync(
    path,
    [
      '<!-- Written by telemetry-stack at every start of the embedded store; edits are overwritten. -->',
      '<clickhouse>',
      // Shown by displayName() and X-ClickHouse-Server-Display-Name: says which store answered.
      '    <display_name>telemetry-stack-embedded</display_name>',
      '</clickhouse>',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return path;
}

function livePid(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: alive but someone else's; still the holder as far as this message goes.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
