import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { homeOf } from '../../home/layout.js';
import { isAlive, removeRecord, writeRecord, type ProcessRecord } from '../../home/run-records.js';

/**
 * A background process the process runtime owns: started detached (it outlives `up`), its pid,
 * command and ports recorded under <dataDir>/run, its output appended to <dataDir>/logs.
 */
export interface ProcessSpec {
  component: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  ports: number[];
  /**
   * Digest of what the process was started with (command, arguments, environment names, the
   * config files it reads); a running process whose digest differs runs an older configuration.
   */
  fingerprint?: string;
}

/**
 * `onExit` hears how the process ended, for a caller that outlives it (the supervisor); `up`
 * exits long before its children and passes none.
 */
export function startProcess(dataDir: string, spec: ProcessSpec, onExit?: (code: number | null, signal: NodeJS.Signals | null) => void): ProcessRecord {
  const home = homeOf(dataDir);
  mkdirSync(home.runDir, { recursive: true });
  mkdirSync(home.logsDir, { recursive: true });
  const log = home.logFile(spec.component);
  const fd = openSync(log, 'a', 0o600);
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/', ...spec.env },
    });
    if (child.pid === undefined) {
      // A spawn that fails (missing or not executable) also emits 'error'; unheard, it would crash us.
      child.once('error', () => {});
      throw new UserError(`${spec.component}: ${spec.command} cannot be started (missing or not executable); check the path`);
    }
    if (onExit) child.once('exit', onExit);
    child.unref();
    const record: ProcessRecord = {
      component: spec.component,
      pid: child.pid,
      command: spec.command,
      args: spec.args,
      ports: spec.ports,
      startedAt: new Date().toISOString(),
      logFile: log,
      ...(spec.fingerprint ? { fingerprint: spec.fingerprint } : {}),
    };
    writeRecord(dataDir, record);
    return record;
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, a bounded wait for a clean exit (the Collector drains to its queue), then SIGKILL. */
export async function stopProcess(dataDir: string, record: ProcessRecord, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isAlive(record)) {
    removeRecord(dataDir, record.component);
    return 'not-running';
  }
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(record)) {
      removeRecord(dataDir, record.component);
      return 'stopped';
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(record.pid, 'SIGKILL');
  } catch {
    // exited between the check and the kill
  }
  removeRecord(dataDir, record.component);
  return 'killed';
}

/** Secrets stay out of it: environment variables count by name only, files by content. */
export function processFingerprint(spec: Omit<ProcessSpec, 'fingerprint'>, files: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([spec.command, spec.args, Object.keys(spec.env).sort()]));
  for (const f of files) hash.update(existsSync(f) ? readFileSync(f) : `missing:${f}`);
  return hash.digest('hex');
}

export function tailFile(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

/**
 * Whether the part's own log says it was asked to stop (a `stopping` or `stopped` event line from
 * the storage launcher after its last `ready`). The launcher's engine exits with code 1 when a
 * client still holds an idle keep-alive connection at SIGTERM; the data is on disk by then, so
 * such an exit was a clean stop, not a crash.
 */
export function stoppedOnRequest(file: string): boolean {
  const lines = tailFile(file, 40).split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    let event: unknown;
    try {
      event = (JSON.parse(line) as { event?: unknown }).event;
    } catch {
      continue;
    }
    if (event === 'stopping' || event === 'stopped') return true;
    if (event === 'ready') return false;
  }
  return false;
}
