import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLauncher, libchdbPath } from '../../cli/store/embedded/launcher-build.js';
import { startLauncher, type RunningLauncher } from '../../cli/store/embedded/launcher-process.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface TestStore {
  server: RunningLauncher;
  dataDir: string;
  writerPasswordFile: string;
  readerPasswordFile: string;
  writerPassword: string;
  readerPassword: string;
}

/**
 * The chdb-server launcher (ClickHouse's own server from libchdb) in a child process, as the
 * process runtime starts it: engine data in `<dir>/clickhouse`, password files in `<dir>/secrets`
 * (created 0600 when missing; write one first to choose the password). `port` 0 takes a free one.
 */
export async function startTestStore(dir: string, options: { port?: number; database?: string } = {}): Promise<TestStore> {
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  const writerPasswordFile = join(secrets, 'clickhouse-password');
  const readerPasswordFile = join(secrets, 'clickhouse-reader-password');
  const dataDir = join(dir, 'clickhouse');
  const server = await startLauncher({
    binary: await ensureLauncher(),
    libchdb: libchdbPath(),
    dataDir,
    writerPasswordFile,
    readerPasswordFile,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.database !== undefined ? { database: options.database } : {}),
  });
  const read = (f: string) => readFileSync(f, 'utf8').trim();
  return { server, dataDir, writerPasswordFile, readerPasswordFile, writerPassword: read(writerPasswordFile), readerPassword: read(readerPasswordFile) };
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A port that was free a moment ago on 127.0.0.1 (for processes that cannot take port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port: 0 }, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}

/** Polls `probe` until it returns a value other than undefined; bounded in time. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
