import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Free space where the data directory lives. Below MIN_FREE_BYTES `up` refuses to start and
 * `verify` fails: a full disk stops the persistent queue, the engine's inserts and every log
 * write at once, and is the one failure a person can fix before it happens.
 */
export const MIN_FREE_BYTES = 512 * 1024 * 1024;

export interface DiskSpace {
  /** The directory measured: the data directory, or its nearest existing parent. */
  path: string;
  freeBytes: number;
  totalBytes: number;
}

export function diskSpace(dataDir: string): DiskSpace {
  let path = dataDir;
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  const s = statfsSync(path);
  return { path, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

export const formatBytes = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${Math.round(n / 2 ** 20)} MiB`);

/** The one line a person needs when space runs out; undefined while there is enough. */
export function diskProblem(dataDir: string): string | undefined {
  const d = diskSpace(dataDir);
  if (d.freeBytes >= MIN_FREE_BYTES) return undefined;
  return `disk full at ${d.path}: ${formatBytes(d.freeBytes)} free, below the ${formatBytes(MIN_FREE_BYTES)} the stack keeps in reserve; free space or move dataDir`;
}
