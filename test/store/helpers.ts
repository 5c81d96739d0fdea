import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The server runs as a child process from dist/ (chdb is a process singleton). A stale build would
 * test old code, so this refuses a dist file older than any source of the embedded store.
 */
export function compiledServerEntry(): string {
  const entry = join(repoRoot, 'dist', 'cli', 'store', 'embedded', 'server.js');
  try {
    statSync(entry);
  } catch {
    throw new Error(`${entry} is missing: run npx tsc -p tsconfig.json before npx vitest run test/store`);
  }
  const srcDir = join(repoRoot, 'cli', 'store', 'embedded');
  for (const f of readdirSync(srcDir)) {
    if (!f.endsWith('.ts')) continue;
    const js = join(repoRoot, 'dist', 'cli', 'store', 'embedded', f.replace(/\.ts$/, '.js'));
    let jsTime = 0;
    try {
      jsTime = statSync(js).mtimeMs;
    } catch {
      /* missing counts as stale */
    }
    if (jsTime < statSync(join(srcDir, f)).mtimeMs) {
      throw new Error(`dist is older than cli/store/embedded/${f}: run npx tsc -p tsconfig.json before npx vitest run test/store`);
    }
  }
  return entry;
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
