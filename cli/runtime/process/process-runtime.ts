import { existsSync, readFileSync, statSync, watch } from 'node:fs';
import { UserError } from '../../errors.js';
import type { Stack } from '../../stack/resolve.js';
import { storageEndpoint } from '../../stack/storage-endpoint.js';
import { storageHealth } from '../../storage/health.js';
import { withCollectorCounters } from '../collector-metrics.js';
import type { ComponentStatus, DownResult, Runtime, RuntimeContext, UpResult } from '../runtime.js';
import { externalStorageStatus } from '../stack-parts.js';
import { upStack } from '../up-lifecycle.js';
import { homeOf } from '../../home/layout.js';
import { isAlive, readRecord } from '../../home/run-records.js';
import { stopProcess, tailFile } from './managed-process.js';
import { COLLECTOR_GRACE_MS, ProcessParts, STORAGE_GRACE_MS } from './process-parts.js';
import { stopSupervisor, supervision } from './supervisor.js';

/** A storage process that is alive but does not answer within seconds is hung, not running. */
async function withStorageHealth(status: ComponentStatus, stack: Stack): Promise<ComponentStatus> {
  const health = await storageHealth(stack, 2000);
  return health.ok ? status : { ...status, state: 'unhealthy', detail: `pid ${status.id} is alive but ${health.reason}` };
}

/**
 * Native processes: the embedded ClickHouse engine and the Collector, started in the background
 * and found again through their records under <dataDir>/run. A ClickHouse server or a Loki is
 * the user's (clickhouse.url, loki.url): only the Collector runs then. `up` is the shared
 * lifecycle (up-lifecycle.ts) over this runtime's parts (process-parts.ts).
 */
export class ProcessRuntime implements Runtime {
  readonly kind = 'process' as const;

  constructor(private readonly ctx: RuntimeContext) {}

  up(progress: (line: string) => void): Promise<UpResult> {
    return upStack(this.ctx, new ProcessParts(this.ctx), progress);
  }

  async down(): Promise<DownResult> {
    const { dataDir } = this.ctx.stack;
    const stopped: DownResult['stopped'] = [];
    // First the supervisor, or it would start again what down stops.
    await stopSupervisor(dataDir);
    // Collector first: it drains into its queue while storage is still there to take a last flush.
    for (const component of [...this.componentNames()].reverse()) {
      const record = readRecord(dataDir, component);
      if (!record) continue;
      const how = await stopProcess(dataDir, record, component === 'collector' ? COLLECTOR_GRACE_MS : STORAGE_GRACE_MS);
      stopped.push({ component, how });
    }
    return { stopped };
  }

  async status(): Promise<ComponentStatus[]> {
    const { stack } = this.ctx;
    const out: ComponentStatus[] = [];
    if (storageEndpoint(stack).external) out.push(await externalStorageStatus(stack));
    const watch = supervision(stack.dataDir);
    for (const component of this.componentNames()) {
      const record = readRecord(stack.dataDir, component);
      const supervised = watch.state?.parts[component];
      if (supervised?.paused && !(record && isAlive(record))) {
        out.push({ component, state: 'stopped', ports: [], detail: `paused by the supervisor: ${supervised.paused}` });
        continue;
      }
      if (!record) {
        out.push({ component, state: 'stopped', ports: [] });
        continue;
      }
      const alive = isAlive(record);
      const status: ComponentStatus = {
        ...(supervised?.restarts ? { restarts: supervised.restarts, ...(supervised.lastExit ? { lastExit: supervised.lastExit } : {}) } : {}),
        component,
        state: alive ? 'running' : 'stopped',
        id: String(record.pid),
        ports: record.ports,
        ...(alive ? { uptimeSeconds: Math.round((Date.now() - Date.parse(record.startedAt)) / 1000) } : { detail: 'not running (crashed or killed); `up` restarts it' }),
      };
      if (alive && component === 'collector') out.push(await withCollectorCounters(status, stack.collector.metricsPort));
      else if (alive) out.push(await withStorageHealth(status, stack));
      else out.push(status);
    }
    return out;
  }

  async logs(component: string, options: { follow: boolean; lines: number; write: (text: string) => void; signal?: AbortSignal }): Promise<void> {
    const known = this.componentNames();
    if (!known.includes(component)) throw new UserError(`logs ${component}: unknown component; expected one of ${known.join(', ')}`);
    const file = homeOf(this.ctx.stack.dataDir).logFile(component);
    if (!existsSync(file)) throw new UserError(`${file}: no log yet; has \`telemetry-stack up\` run?`);
    options.write(tailFile(file, options.lines));
    if (!options.follow) return;
    let offset = statSync(file).size;
    await new Promise<void>((resolve) => {
      const watcher = watch(file, () => {
        const size = statSync(file).size;
        if (size < offset) offset = 0; // truncated or rotated
        if (size > offset) {
          options.write(readFileSync(file).subarray(offset, size).toString());
          offset = size;
        }
      });
      options.signal?.addEventListener('abort', () => {
        watcher.close();
        resolve();
      });
    });
  }

  /** The parts this runtime runs, storage first: storage the user brings is not one of them. */
  private componentNames(): string[] {
    const { stack } = this.ctx;
    if (storageEndpoint(stack).external) return ['collector'];
    return [stack.backend === 'loki' ? 'loki' : 'clickhouse', 'collector'];
  }
}
