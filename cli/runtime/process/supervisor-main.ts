import { writeFileSync } from 'node:fs';
import { diskSpace, formatBytes } from '../../home/disk-space.js';
import { homeOf } from '../../home/layout.js';
import { isAlive, readRecord } from '../../home/run-records.js';
import { startProcess, stopProcess, stoppedOnRequest, tailFile, type ProcessSpec } from './managed-process.js';
import type { SupervisorInput, SupervisorState } from './supervisor.js';

/**
 * The supervisor process (see supervisor.ts): reads the parts' specs from standard input, then
 * every half second starts again any part whose process is gone. The first restart is at once;
 * a part that dies again within a minute waits 1 s, 2 s, 4 s ... up to 30 s, so a part that cannot
 * start does not spin. A part without a record was stopped on purpose and is left alone.
 */
const TICK_MS = 500;
const STABLE_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

const dataDir = process.argv[2]!;
let input = '';
process.stdin.setEncoding('utf8').on('data', (d: string) => (input += d));
process.stdin.on('end', () => {
  const { specs, minFreeBytes } = JSON.parse(input) as SupervisorInput;
  supervise(specs, minFreeBytes);
});
process.on('SIGTERM', () => process.exit(0));

/**
 * Below minFreeBytes at the data directory the Collector is stopped (it drains into its queue on
 * SIGTERM) and held stopped: clients get connection refused, which OTLP exporters retry, instead of
 * acknowledgements the disk cannot keep. It starts again once a quarter more than that is free.
 */
const DISK_CHECK_MS = 2000;
const COLLECTOR_GRACE_MS = 20_000;

function supervise(specs: readonly ProcessSpec[], minFreeBytes: number): void {
  const state: SupervisorState = { pid: process.pid, startedAt: new Date().toISOString(), parts: {} };
  // Per part: the delay before its next start, when that start may happen, when it last started.
  const backoff = new Map<string, { delayMs: number; notBefore?: number; startedAt: number }>();
  const exits = new Map<string, string>();
  for (const spec of specs) state.parts[spec.component] = { restarts: 0 };
  const save = () => writeFileSync(homeOf(dataDir).supervisorStateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  save();
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

  let busy = false;
  let lastDiskCheck = 0;
  const collector = specs.find((s) => s.component === 'collector');
  const checkDisk = async (now: number): Promise<void> => {
    if (!collector || now - lastDiskCheck < DISK_CHECK_MS) return;
    lastDiskCheck = now;
    const part = state.parts['collector']!;
    const disk = diskSpace(dataDir);
    if (!part.paused && disk.freeBytes < minFreeBytes) {
      part.paused = `disk full at ${disk.path}: ${formatBytes(disk.freeBytes)} free, below ${formatBytes(minFreeBytes)}; free space or move dataDir`;
      save();
      const record = readRecord(dataDir, 'collector');
      if (record) await stopProcess(dataDir, record, COLLECTOR_GRACE_MS);
      log(`collector: paused, ${part.paused}`);
    } else if (part.paused && disk.freeBytes >= minFreeBytes * 1.25) {
      const started = startProcess(dataDir, collector);
      log(`collector: ${formatBytes(disk.freeBytes)} free again; started as pid ${started.pid}`);
      delete part.paused;
      save();
    }
  };

  setInterval(() => {
    if (busy) return;
    busy = true;
    void tick().finally(() => (busy = false));
  }, TICK_MS);

  async function tick(): Promise<void> {
    const now = Date.now();
    await checkDisk(now);
    for (const spec of specs) {
      if (state.parts[spec.component]?.paused) continue;
      const record = readRecord(dataDir, spec.component);
      if (!record || isAlive(record)) continue;
      const b = backoff.get(spec.component) ?? { delayMs: 0, startedAt: 0 };
      backoff.set(spec.component, b);
      const clean = stoppedOnRequest(record.logFile);
      if (b.notBefore === undefined) {
        // Just found dead: a part that ran for a minute, or was stopped by a signal someone sent
        // it, starts again at once; a crash loop backs off.
        b.delayMs = clean || now - b.startedAt > STABLE_MS ? 0 : Math.min(MAX_BACKOFF_MS, Math.max(1000, b.delayMs * 2));
        b.notBefore = now + b.delayMs;
      }
      if (now < b.notBefore) continue;
      const part = state.parts[spec.component]!;
      const lastLine = tailFile(record.logFile, 1).trim().split('\n').pop() ?? '';
      const how = exits.get(spec.component);
      // The storage launcher's exit code 1 after it said "stopping" is the engine's shutdown with
      // an idle keep-alive connection open, not a failure (see stoppedOnRequest).
      part.lastExit = clean
        ? `pid ${record.pid} stopped on request (a signal; ${how ?? 'exit code not seen'}, the data is on disk)`
        : (how ?? `pid ${record.pid} gone${lastLine ? `; last log line: ${lastLine.slice(0, 200)}` : ''}`);
      exits.delete(spec.component);
      try {
        const started = startProcess(dataDir, spec, (code, signal) => exits.set(spec.component, signal ? `killed by ${signal}` : `exited with code ${code}`));
        part.restarts += 1;
        part.lastRestartAt = new Date().toISOString();
        log(`${spec.component}: ${part.lastExit}; started again as pid ${started.pid} (restart ${part.restarts}, after ${b.delayMs} ms)`);
      } catch (e) {
        log(`${spec.component}: could not start: ${(e as Error).message}`);
      }
      b.startedAt = now;
      b.notBefore = undefined;
      save();
    }
  }
}
