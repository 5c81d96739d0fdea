import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homeOf } from './layout.js';

/**
 * The record of a background process the process runtime started, one JSON file per component
 * under <dataDir>/run: how `down`, `status`, the supervisor and `verify --deep` find the process
 * again after the command that started it has exited.
 */
export interface ProcessRecord {
  component: string;
  pid: number;
  /** What the pid must still be running for the record to be live (see isAlive). */
  command: string;
  args: string[];
  ports: number[];
  startedAt: string;
  logFile: string;
  /**
   * Digest of what the process was started with; a later `up` whose digest differs restarts it,
   * because a running process keeps the configuration it read at start.
   */
  fingerprint?: string;
}

export function readRecord(dataDir: string, component: string): ProcessRecord | undefined {
  const file = homeOf(dataDir).recordFile(component);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProcessRecord;
  } catch {
    // A torn or corrupt record (crash while writing) is as good as none.
    return undefined;
  }
}

/** 0600: the record names the command line, which is the owner's business alone. */
export function writeRecord(dataDir: string, record: ProcessRecord): void {
  const home = homeOf(dataDir);
  mkdirSync(home.runDir, { recursive: true });
  writeFileSync(home.recordFile(record.component), JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
}

export function removeRecord(dataDir: string, component: string): void {
  rmSync(homeOf(dataDir).recordFile(component), { force: true });
}

/**
 * Alive means the pid exists AND still runs our command: after a crash and a reboot the pid
 * may belong to someone else, and we must never signal a stranger's process.
 */
export function isAlive(record: ProcessRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    return cmdline.includes(record.command);
  } catch {
    return true; // no /proc (not Linux): the signal check is all we have
  }
}
