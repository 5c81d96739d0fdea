import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Free space where the data directory lives. Below collector.minFreeDiskMiB `up` refuses to start,
 * `verify` fails and the supervisor pauses the Collector: a full disk stops the persistent queue,
 * the engine's inserts and every log write at once, and is the one failure a person can fix
 * before it happens.
 */
export const minFreeBytes = (stack: { collector: { minFreeDiskMiB: number } }) => stack.collector.minFreeDiskMiB * 1024 * 1024;

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
export function diskProblem(dataDir: string, minFree: number): string | undefined {
  const d = diskSpace(dataDir);
  if (d.freeBytes >= minFree) return undefined;
  return `disk full at ${d.path}: ${formatBytes(d.freeBytes)} free, below the ${formatBytes(minFree)} the stack keeps in reserve; free space or move dataDir`;
}
