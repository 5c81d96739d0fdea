import { ensureCollector } from '../../collector/build.js';
import { UserError } from '../../errors.js';
import type { RenderedFile } from '../../render/rendered-file.js';
import { embeddedNativePort, storageEndpoint } from '../../stack/storage-endpoint.js';
import { ensureLauncher, libchdbPath } from '../../store/embedded/launcher-build.js';
import { launcherArgs } from '../../store/embedded/launcher-process.js';
import { minFreeBytes } from '../../home/disk-space.js';
import { homeOf } from '../../home/layout.js';
import { isAlive, readRecord, removeRecord } from '../../home/run-records.js';
import type { StackSecrets } from '../../home/secrets.js';
import type { WaitStrategy } from '../readiness.js';
import type { RuntimeContext } from '../runtime.js';
import { collectorPorts, collectorReady, storagePorts, storageReady } from '../stack-parts.js';
import type { FoundPart, Part, PartRunner } from '../up-lifecycle.js';
import { processFingerprint, startProcess, stopProcess, tailFile, type ProcessSpec } from './managed-process.js';
import { startSupervisor, stopSupervisor } from './supervisor.js';

/** The Collector flushes its in-memory work to the persistent queue on SIGTERM; give it time. */
export const COLLECTOR_GRACE_MS = 20_000;
export const STORAGE_GRACE_MS = 15_000;
/** A part this up just started and now removes again holds no data worth a long wait. */
const ROLLBACK_GRACE_MS = 5000;

/** A native process of the stack: what to run, and its record's name. */
export interface ProcessPart extends Part {
  spec: ProcessSpec;
}

/**
 * The process runtime's side of `up`: the embedded engine and the Collector as background
 * processes with records under <dataDir>/run, and the supervisor that starts them again.
 */
export class ProcessParts implements PartRunner<ProcessPart> {
  readonly kind = 'process' as const;

  constructor(private readonly ctx: RuntimeContext) {}

  configFiles(files: RenderedFile[]): { files: RenderedFile[] } {
    // The compose directory is the Docker runtime's; private mode (the default) for the rest.
    return { files: files.filter((f) => !f.path.startsWith('compose/')) };
  }

  async plan(secrets: StackSecrets, progress: (line: string) => void): Promise<ProcessPart[]> {
    const { stack, env } = this.ctx;
    const storage = await this.storagePart(progress);
    const collectorBinary = await ensureCollector(progress, env, stack.binaries.collector);
    return [...(storage ? [storage] : []), this.collectorPart(collectorBinary, secrets.env)];
  }

  async find(part: ProcessPart): Promise<FoundPart> {
    const record = readRecord(this.ctx.stack.dataDir, part.name);
    if (!record) return { state: 'absent' };
    if (!isAlive(record)) return { state: 'left-over', what: `a stale record (pid ${record.pid} is gone)` };
    const changed = record.fingerprint !== undefined && record.fingerprint !== part.spec.fingerprint;
    return { state: changed ? 'outdated' : 'running', what: `pid ${record.pid}`, ports: record.ports };
  }

  async clear(part: ProcessPart): Promise<void> {
    const { dataDir } = this.ctx.stack;
    const record = readRecord(dataDir, part.name);
    if (!record) return;
    if (!isAlive(record)) {
      removeRecord(dataDir, part.name);
      return;
    }
    await stopProcess(dataDir, record, part.name === 'collector' ? COLLECTOR_GRACE_MS : STORAGE_GRACE_MS);
  }

  async start(part: ProcessPart): Promise<string> {
    const record = startProcess(this.ctx.stack.dataDir, part.spec);
    return `(pid ${record.pid})`;
  }

  async exited(part: ProcessPart): Promise<string | undefined> {
    const record = readRecord(this.ctx.stack.dataDir, part.name);
    if (record && isAlive(record)) return undefined;
    return `exited (its last log lines follow)\n${record ? tailFile(record.logFile, 8) : ''}`;
  }

  async remove(part: ProcessPart): Promise<string | undefined> {
    const record = readRecord(this.ctx.stack.dataDir, part.name);
    if (!record) return undefined;
    const how = await stopProcess(this.ctx.stack.dataDir, record, ROLLBACK_GRACE_MS);
    return how === 'not-running' ? `pid ${record.pid}, had exited` : `pid ${record.pid}, ${how}`;
  }

  async holdRestarts(): Promise<void> {
    await stopSupervisor(this.ctx.stack.dataDir);
  }

  async resumeRestarts(parts: readonly ProcessPart[]): Promise<string> {
    const { stack } = this.ctx;
    const pid = startSupervisor(
      stack.dataDir,
      parts.map((p) => p.spec),
      minFreeBytes(stack),
    );
    return `supervisor: started (pid ${pid}); a part that stops is started again`;
  }

  /**
   * The embedded engine, or nothing when the storage is the user's. The engine is ClickHouse's
   * own HTTP and native servers from libchdb, run by the chdb-server launcher (storage/chdb-server)
   * with the stack's writer and read-only users. The spec names every path it needs (the launcher,
   * libchdb, both password files), so the supervisor can start it again from the spec alone.
   */
  private async storagePart(progress: (line: string) => void): Promise<ProcessPart | undefined> {
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
    const home = homeOf(stack.dataDir);
    const launcher = launcherArgs({
      libchdb: libchdbPath(env),
      dataDir: home.engineDir,
      writerPasswordFile: home.clickhousePasswordFile,
      readerPasswordFile: home.clickhouseReaderPasswordFile,
      database: stack.clickhouse.database,
      port: stack.clickhouse.port,
      tcpPort: embeddedNativePort(stack.clickhouse),
    });
    // The launcher reads its passwords from the files; the Collector's secrets stay out of it.
    const spec = { component: 'clickhouse', command: binary, args: launcher, env: {}, ports: storagePorts(stack) };
    return part({ ...spec, fingerprint: processFingerprint(spec, []) }, storageReady(stack));
  }

  private collectorPart(binary: string, secretEnv: Record<string, string>): ProcessPart {
    const { stack } = this.ctx;
    const home = homeOf(stack.dataDir);
    const config = home.collectorConfigFile;
    const spec = { component: 'collector', command: binary, args: [`--config=file:${config}`], env: secretEnv, ports: collectorPorts(stack) };
    // The Collector reads its certificate at start, so a re-issued one needs a restart too.
    const tls = stack.receivers.tls?.generate ? [home.tls.certFile] : [];
    return part({ ...spec, fingerprint: processFingerprint(spec, [config, ...tls]) }, collectorReady(stack));
  }
}

function part(spec: ProcessSpec, ready: WaitStrategy): ProcessPart {
  return { name: spec.component, ports: spec.ports, ready, spec };
}
