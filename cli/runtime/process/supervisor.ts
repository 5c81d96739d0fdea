import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { homeOf } from '../../home/layout.js';
import type { ProcessSpec } from './managed-process.js';

/**
 * The supervisor of a process-runtime stack: one small detached process per data directory that
 * starts a part again when it dies, with backoff, so a crash at night does not wait for a person
 * to run `up`. It gets the parts' specs (environment included) on its standard input from `up`,
 * keeps them in memory only, and writes what it did to <dataDir>/run/supervisor.json, which
 * `status` reads.
 *
 * Why not systemd user units: the stacks run in containers and CI machines with no systemd and no
 * user session, and the process runtime must behave the same on a laptop and there.
 */

export interface PartSupervision {
  /** Set while the supervisor holds the part stopped (the Collector, on a nearly full disk): why. */
  paused?: string;
  restarts: number;
  /** How the part last ended, as far as the supervisor could see it. */
  lastExit?: string;
  lastRestartAt?: string;
}

export interface SupervisorState {
  pid: number;
  startedAt: string;
  parts: Record<string, PartSupervision>;
}

export function readSupervisorState(dataDir: string): SupervisorState | undefined {
  try {
    return JSON.parse(readFileSync(homeOf(dataDir).supervisorStateFile, 'utf8')) as SupervisorState;
  } catch {
    return undefined;
  }
}

function supervisorAlive(state: SupervisorState | undefined): state is SupervisorState {
  if (!state) return false;
  try {
    process.kill(state.pid, 0);
    return readFileSync(`/proc/${state.pid}/cmdline`, 'utf8').includes('supervisor-main');
  } catch {
    return false;
  }
}

/** What the supervisor reads on its standard input. */
export interface SupervisorInput {
  specs: readonly ProcessSpec[];
  /** Below this many free bytes at the data directory the Collector is paused. */
  minFreeBytes: number;
}

/** Starts the supervisor for these parts; an earlier one must have been stopped. */
export function startSupervisor(dataDir: string, specs: readonly ProcessSpec[], minFreeBytes: number): number {
  const home = homeOf(dataDir);
  mkdirSync(home.logsDir, { recursive: true });
  const fd = openSync(home.supervisorLogFile, 'a', 0o600);
  try {
    const entry = fileURLToPath(new URL('./supervisor-main.js', import.meta.url));
    const child = spawn(process.execPath, [entry, dataDir], { detached: true, stdio: ['pipe', fd, fd] });
    child.once('error', () => {});
    child.stdin?.end(JSON.stringify({ specs, minFreeBytes } satisfies SupervisorInput));
    child.unref();
    // Written here, before up returns, not by the supervisor once it has read its input: a down
    // (or a test) right after up must find it to stop it, or it would start again what down stops.
    const state: SupervisorState = { pid: child.pid ?? 0, startedAt: new Date().toISOString(), parts: Object.fromEntries(specs.map((s) => [s.component, { restarts: 0 }])) };
    writeFileSync(home.supervisorStateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    return child.pid ?? 0;
  } finally {
    closeSync(fd);
  }
}

/** Stops the supervisor (never the parts): `down` and `up` do this before they touch any part. */
export async function stopSupervisor(dataDir: string, graceMs = 5000): Promise<void> {
  const stateFile = homeOf(dataDir).supervisorStateFile;
  const state = readSupervisorState(dataDir);
  if (!supervisorAlive(state)) {
    if (existsSync(stateFile)) rmSync(stateFile, { force: true });
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && supervisorAlive(readSupervisorState(dataDir) ?? state)) await new Promise((r) => setTimeout(r, 50));
  if (supervisorAlive(state)) process.kill(state.pid, 'SIGKILL');
  rmSync(stateFile, { force: true });
}

/** `status`'s view: the supervisor's pid when it runs, and what it did for each part. */
export function supervision(dataDir: string): { running: boolean; state?: SupervisorState } {
  const state = readSupervisorState(dataDir);
  return supervisorAlive(state) ? { running: true, state } : { running: false };
}
