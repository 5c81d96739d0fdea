import { existsSync, readFileSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { ensureCollector } from '../../collector/build.js';
import { UserError } from '../../errors.js';
import { ensureLauncher, libchdbPath } from '../../store/embedded/launcher-build.js';
import { launcherArgs } from '../../store/embedded/launcher-process.js';
import { renderBundle } from '../../render/bundle.js';
import { loadRenderInputs } from '../../render/inputs.js';
import { writeBundle } from '../../output/write-bundle.js';
import { toolVersion } from '../../version.js';
import { withCollectorCounters } from '../collector-metrics.js';
import { NotReadyError, waitFor, type WaitStrategy } from '../readiness.js';
import type { ComponentStatus, DownResult, Runtime, RuntimeContext, UpResult } from '../runtime.js';
import { clickhousePasswordFile, clickhouseReaderPasswordFile, loadOrCreateSecrets } from '../secrets.js';
import { ensureReceiverTls, receiverTlsFiles } from '../tls.js';
import {
  applyRollups,
  collectorPorts,
  collectorReady,
  configDir,
  externalStorageStatus,
  prepareDataDir,
  requireExternalStorage,
  requirePortsFree,
  storagePorts,
  storageReady,
} from '../stack-parts.js';
import { embeddedNativePort, storageEndpoint } from '../../stack/storage-endpoint.js';
import type { Stack } from '../../stack/resolve.js';
import { storageHealth } from '../../storage/health.js';
import { startSupervisor, stopSupervisor, supervision } from './supervisor.js';
import { minFreeBytes } from '../disk.js';
import { isAlive, logFile, processFingerprint, readRecord, removeRecord, startProcess, stopProcess, tailFile, type ProcessSpec } from './managed-process.js';

/** The Collector flushes its in-memory work to the persistent queue on SIGTERM; give it time. */
const COLLECTOR_GRACE_MS = 20_000;
const STORAGE_GRACE_MS = 15_000;

interface Component {
  spec: ProcessSpec;
  ready: WaitStrategy;
}

/**
 * Native processes: the embedded ClickHouse engine and the Collector, started in the background
 * and found again through their records under <dataDir>/run. A ClickHouse server or a Loki is
 * the user's (clickhouse.url, loki.url): only the Collector runs then.
 */
/** A storage process that is alive but does not answer within seconds is hung, not running. */
async function withStorageHealth(status: ComponentStatus, stack: Stack): Promise<ComponentStatus> {
  const health = await storageHealth(stack, 2000);
  return health.ok ? status : { ...status, state: 'unhealthy', detail: `pid ${status.id} is alive but ${health.reason}` };
}

export class ProcessRuntime implements Runtime {
  readonly kind = 'process' as const;

  constructor(private readonly ctx: RuntimeContext) {}

  async up(progress: (line: string) => void): Promise<UpResult> {
    const started = Date.now();
    const { stack, env } = this.ctx;
    prepareDataDir(stack);
    const secrets = loadOrCreateSecrets(stack, env, { create: true });
    secrets.generated.forEach(progress);
    if (stack.receivers.tls?.generate) ensureReceiverTls(stack).forEach(progress);
    const files = renderBundle(stack, loadRenderInputs(), { source: 'the stack file', toolVersion }).filter((f) => !f.path.startsWith('compose/'));
    writeBundle(configDir(stack.dataDir), files);

    // The supervisor would start again a part this up is about to restart: it stops first, and
    // comes back with the new specs once every part is ready.
    await stopSupervisor(stack.dataDir);
    const storage = await this.storageComponent(progress);
    const collectorBinary = await ensureCollector(progress, env, stack.binaries.collector);
    if (!storage) {
      await requireExternalStorage(stack);
      progress(`${storageEndpoint(stack).label}: answers (yours; up starts only the Collector)`);
    }
    const components = [...(storage ? [storage] : []), this.collectorComponent(collectorBinary, secrets.env)];

    const result: UpResult = { runtime: 'process', started: [], alreadyRunning: [], seconds: 0, notes: [] };
    // Every port a part will take is checked before any running part is stopped: a changed stack
    // file whose new port is busy must fail with the running stack untouched.
    for (const c of components) {
      const existing = readRecord(stack.dataDir, c.spec.component);
      const held = existing && isAlive(existing) ? existing.ports : [];
      await requirePortsFree(
        c.spec.component,
        c.spec.ports.filter((p) => !held.includes(p)),
      );
    }
    try {
      for (const c of components) {
        const existing = readRecord(stack.dataDir, c.spec.component);
        const changed = existing?.fingerprint !== undefined && existing.fingerprint !== c.spec.fingerprint;
        if (existing && isAlive(existing) && !changed) {
          await waitFor(c.ready);
          result.alreadyRunning.push(c.spec.component);
          progress(`${c.spec.component}: already running (pid ${existing.pid})`);
          continue;
        }
        if (existing && isAlive(existing)) {
          // The stack file changed since it started: a running process would keep the old
          // configuration. The Collector drains into its persistent queue on the way down.
          progress(`${c.spec.component}: configuration changed, restarting (pid ${existing.pid})`);
          await stopProcess(stack.dataDir, existing, c.spec.component === 'collector' ? COLLECTOR_GRACE_MS : STORAGE_GRACE_MS);
          result.notes.push(`${c.spec.component}: restarted with the changed configuration`);
        } else if (existing) {
          removeRecord(stack.dataDir, c.spec.component);
          progress(`${c.spec.component}: removed a stale record (pid ${existing.pid} is gone)`);
        }
        await requirePortsFree(c.spec.component, c.spec.ports);
        const record = startProcess(stack.dataDir, c.spec);
        result.started.push(c.spec.component);
        progress(`${c.spec.component}: started (pid ${record.pid}), waiting for ${c.ready.name}`);
        const waited = await waitFor(c.ready, { abort: () => (isAlive(record) ? undefined : `exited; last log lines:\n${tailFile(record.logFile, 8)}`) });
        progress(`${c.spec.component}: ready in ${(waited / 1000).toFixed(1)} s`);
      }
      if (stack.backend !== 'loki') await applyRollups(stack, secrets.env[stack.clickhouse.passwordEnv]!, progress);
      const pid = startSupervisor(
        stack.dataDir,
        components.map((c) => c.spec),
        minFreeBytes(stack),
      );
      progress(`supervisor: started (pid ${pid}); a part that stops is started again`);
    } catch (e) {
      // Leave nothing behind that this `up` started: a failed start must not hold ports or pids.
      for (const component of [...result.started].reverse()) {
        const record = readRecord(stack.dataDir, component);
        if (record) await stopProcess(stack.dataDir, record, 5000);
      }
      // Parts that were running before this up still are, and stay supervised.
      const running = components.filter((c) => result.alreadyRunning.includes(c.spec.component));
      if (running.length > 0)
        startSupervisor(
          stack.dataDir,
          running.map((c) => c.spec),
          minFreeBytes(stack),
        );
      if (e instanceof NotReadyError) throw new UserError(e.message.split('\n')[0]!, e.message.split('\n').slice(1));
      throw e;
    }
    result.seconds = (Date.now() - started) / 1000;
    return result;
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
    const file = logFile(this.ctx.stack.dataDir, component);
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

  /**
   * The embedded engine, or nothing when the storage is the user's. The engine is ClickHouse's
   * own HTTP and native servers from libchdb, run by the chdb-server launcher (storage/chdb-server)
   * with the stack's writer and read-only users. The spec names every path it needs (the launcher,
   * libchdb, both password files), so the supervisor can start it again from the spec alone.
   */
  private async storageComponent(progress: (line: string) => void): Promise<Component | undefined> {
    const { stack, env } = this.ctx;
    if (storageEndpoint(stack).external) return undefined;
    if (stack.backend === 'clickhouse') {
      throw new UserError(
        'backend clickhouse on runtime process needs your ClickHouse server: set clickhouse.url (e.g. http://127.0.0.1:8123), or start a Docker engine (runtime docker or auto), or use backend: embedded',
      );
    }
    if (stack.backend === 'loki') {
      throw new UserError(
        'backend loki on runtime process needs your Loki: set loki.url (e.g. http://127.0.0.1:3100), or start a Docker engine to run the pinned upstream Loki image (runtime docker)',
      );
    }
    const binary = await ensureLauncher(progress, env);
    const launcher = launcherArgs({
      libchdb: libchdbPath(env),
      // engine/ under it is where the earlier node:http front kept the data: an existing stack keeps it.
      dataDir: join(stack.dataDir, 'clickhouse'),
      writerPasswordFile: clickhousePasswordFile(stack),
      readerPasswordFile: clickhouseReaderPasswordFile(stack),
      database: stack.clickhouse.database,
      port: stack.clickhouse.port,
      tcpPort: embeddedNativePort(stack.clickhouse),
    });
    // The launcher reads its passwords from the files; the Collector's secrets stay out of it.
    const spec = { component: 'clickhouse', command: binary, args: launcher, env: {}, ports: storagePorts(stack) };
    return { spec: { ...spec, fingerprint: processFingerprint(spec, []) }, ready: storageReady(stack) };
  }

  private collectorComponent(binary: string, secretEnv: Record<string, string>): Component {
    const { stack } = this.ctx;
    const config = join(configDir(stack.dataDir), 'collector.yaml');
    const spec = { component: 'collector', command: binary, args: [`--config=file:${config}`], env: secretEnv, ports: collectorPorts(stack) };
    // The Collector reads its certificate at start, so a re-issued one needs a restart too.
    const tls = stack.receivers.tls?.generate ? [receiverTlsFiles(stack.dataDir).certFile] : [];
    return { spec: { ...spec, fingerprint: processFingerprint(spec, [config, ...tls]) }, ready: collectorReady(stack) };
  }
}
