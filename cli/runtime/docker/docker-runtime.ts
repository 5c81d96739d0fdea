import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { renderBundle } from '../../render/bundle.js';
import { containerSpecs, LABEL_STACK, LABEL_TOOL, type ContainerSpec } from '../../render/containers.js';
import { loadRenderInputs } from '../../render/inputs.js';
import { writeBundle } from '../../output/write-bundle.js';
import type { Stack } from '../../stack/resolve.js';
import { toolVersion } from '../../version.js';
import { withCollectorCounters } from '../collector-metrics.js';
import { NotReadyError, waitFor } from '../readiness.js';
import type { ComponentStatus, DownResult, Runtime, RuntimeContext, UpResult } from '../runtime.js';
import { loadOrCreateSecrets } from '../secrets.js';
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
import { CHDB_SERVER_READER_PASSWORD_ENV, storageEndpoint } from '../../stack/storage-endpoint.js';
import type { ContainerCreate, ContainerEngine } from './engine.js';

/** The Collector flushes into its persistent queue on SIGTERM; give it the same time as natively. */
const STOP_GRACE_SECONDS = 20;

/**
 * Containers through the Docker Engine API: the same containers the compose file describes
 * (render/containers.ts), host networking, every server on 127.0.0.1, data in named volumes.
 * A failed `up` removes every container and volume it created and names what it waited for.
 */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker' as const;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly engine: ContainerEngine,
  ) {}

  private specs(): ContainerSpec[] {
    return containerSpecs(this.ctx.stack, toolVersion);
  }

  private stackLabels(): Record<string, string> {
    return { [LABEL_TOOL]: 'telemetry-stack', [LABEL_STACK]: this.ctx.stack.name };
  }

  async up(progress: (line: string) => void): Promise<UpResult> {
    const started = Date.now();
    const { stack, env } = this.ctx;
    await this.requireEngine();
    prepareDataDir(stack);
    const secrets = loadOrCreateSecrets(stack, env, { create: true });
    secrets.generated.forEach(progress);
    const files = renderBundle(stack, loadRenderInputs(), { source: 'the stack file', toolVersion });
    // Mounted read-only into containers that run as an unprivileged user: world-readable (no secrets inside).
    writeBundle(configDir(stack.dataDir), files, 0o644);

    const result: UpResult = { runtime: 'docker', started: [], alreadyRunning: [], seconds: 0, notes: [] };
    const createdContainers: string[] = [];
    const createdVolumes: string[] = [];
    try {
      // Every image first: a missing one fails in a second, before any container starts.
      for (const spec of this.specs()) await this.ensureImage(spec.image, progress);
      if (storageEndpoint(stack).external) {
        await requireExternalStorage(stack);
        progress(`${storageEndpoint(stack).label}: answers (yours; up starts only the Collector)`);
      }
      for (const spec of this.specs()) {
        const ready = spec.service === 'collector' ? collectorReady(stack) : storageReady(stack, 120_000);
        const existing = await this.engine.inspectContainer(spec.name);
        if (existing?.state === 'running') {
          await waitFor(ready);
          result.alreadyRunning.push(spec.service);
          progress(`${spec.service}: already running (container ${existing.id.slice(0, 12)})`);
          continue;
        }
        if (existing) {
          await this.engine.removeContainer(existing.id);
          progress(`${spec.service}: removed a stopped container left from an earlier run`);
        }
        await requirePortsFree(spec.service, spec.service === 'collector' ? collectorPorts(stack) : storagePorts(stack));
        for (const v of spec.volumes) {
          if ((await this.engine.ensureVolume(v.volume, spec.labels)) === 'created') createdVolumes.push(v.volume);
        }
        const reader = secrets.readerPassword !== undefined ? { [CHDB_SERVER_READER_PASSWORD_ENV]: secrets.readerPassword } : {};
        const id = await this.engine.createContainer(toCreate(stack, spec, { ...env, ...secrets.env, ...reader }));
        createdContainers.push(id);
        await this.engine.startContainer(id);
        result.started.push(spec.service);
        progress(`${spec.service}: started container ${id.slice(0, 12)} (${spec.image}), waiting for ${ready.name}`);
        const waited = await waitFor(ready, { abort: this.exited(id) });
        progress(`${spec.service}: ready in ${(waited / 1000).toFixed(1)} s`);
      }
      if (stack.backend !== 'loki') await applyRollups(stack, secrets.env[stack.clickhouse.passwordEnv]!, progress);
    } catch (e) {
      for (const id of createdContainers.reverse()) await this.engine.removeContainer(id).catch(() => {});
      for (const v of createdVolumes) await this.engine.removeVolume(v).catch(() => {});
      if (e instanceof NotReadyError) {
        const [first, ...rest] = e.message.split('\n');
        throw new UserError(`${first}; removed what this up created`, rest);
      }
      throw e;
    }
    result.seconds = (Date.now() - started) / 1000;
    return result;
  }

  async down(options: { volumes: boolean }): Promise<DownResult> {
    await this.requireEngine();
    const stopped: DownResult['stopped'] = [];
    const containers = await this.engine.listContainers(this.stackLabels());
    // Collector first, so it drains into its queue while storage still answers.
    const order = (name: string) => (name.endsWith('-collector') ? 0 : 1);
    for (const c of containers.sort((a, b) => order(a.name) - order(b.name))) {
      await this.engine.stopContainer(c.id, STOP_GRACE_SECONDS);
      await this.engine.removeContainer(c.id);
      stopped.push({ component: c.labels['dev.telemetry-stack.service'] ?? c.name, how: 'stopped and removed' });
    }
    if (options.volumes) {
      for (const v of await this.engine.listVolumes(this.stackLabels())) {
        await this.engine.removeVolume(v);
        stopped.push({ component: `volume ${v}`, how: 'deleted' });
      }
    }
    return { stopped };
  }

  async status(): Promise<ComponentStatus[]> {
    await this.requireEngine();
    const { stack } = this.ctx;
    const out: ComponentStatus[] = [];
    if (storageEndpoint(stack).external) out.push(await externalStorageStatus(stack));
    for (const spec of this.specs()) {
      const info = await this.engine.inspectContainer(spec.name);
      const ports = spec.service === 'collector' ? collectorPorts(stack) : storagePorts(stack);
      if (!info) {
        out.push({ component: spec.service, state: 'stopped', ports: [] });
        continue;
      }
      const running = info.state === 'running';
      const status: ComponentStatus = {
        component: spec.service,
        state: !running ? 'stopped' : info.health === 'unhealthy' ? 'unhealthy' : 'running',
        id: info.id.slice(0, 12),
        ports,
        ...(running && info.startedAt ? { uptimeSeconds: Math.round((Date.now() - Date.parse(info.startedAt)) / 1000) } : {}),
        ...(!running ? { detail: `container ${info.state}${info.exitCode !== undefined ? ` (exit ${info.exitCode})` : ''}` } : {}),
      };
      out.push(running && spec.service === 'collector' ? await withCollectorCounters(status, stack.collector.metricsPort) : status);
    }
    return out;
  }

  async logs(component: string, options: { follow: boolean; lines: number; write: (text: string) => void; signal?: AbortSignal }): Promise<void> {
    await this.requireEngine();
    const spec = this.specs().find((s) => s.service === component);
    if (!spec)
      throw new UserError(
        `logs ${component}: unknown component; expected one of ${this.specs()
          .map((s) => s.service)
          .join(', ')}`,
      );
    const info = await this.engine.inspectContainer(spec.name);
    if (!info) throw new UserError(`${spec.name}: no such container; start the stack with telemetry-stack up`);
    await this.engine.logs(info.id, { follow: options.follow, tail: options.lines, write: options.write, ...(options.signal ? { signal: options.signal } : {}) });
  }

  private async requireEngine(): Promise<void> {
    try {
      await this.engine.ping();
    } catch (e) {
      throw new UserError(`no Docker engine answers (${(e as Error).message.split('\n')[0]}); start it, or set runtime: process`);
    }
  }

  private async ensureImage(image: string, progress: (line: string) => void): Promise<void> {
    if (await this.engine.hasImage(image)) return;
    progress(`pulling ${image}`);
    try {
      await this.engine.pullImage(image, progress);
    } catch (e) {
      throw new UserError(
        `image ${image} is not on this machine and could not be pulled (${(e as Error).message.split('\n')[0]}); on an air-gapped machine run telemetry-stack images build (the Collector and the chdb-server storage image) and point images: in the stack file at local tags, or set clickhouse.server: chdb-server`,
      );
    }
  }

  /** A container that died will never become ready: stop waiting and say so. */
  private exited(id: string): () => Promise<string | undefined> {
    return async () => {
      const i = await this.engine.inspectContainer(id);
      if (!i) return 'container disappeared';
      return i.state === 'running' || i.state === 'created'
        ? undefined
        : `container ${i.state} (exit ${i.exitCode ?? '?'}); see telemetry-stack logs ${i.labels['dev.telemetry-stack.service'] ?? ''}`.trimEnd();
    };
  }
}

/** Container create options from a spec: `${NAME}` env references resolved, files bound read-only. */
export function toCreate(stack: Stack, spec: ContainerSpec, env: NodeJS.ProcessEnv): ContainerCreate {
  const resolved = Object.entries(spec.env).map(([k, v]) => `${k}=${v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? '')}`);
  const hc = spec.healthcheck;
  const second = 1_000_000_000;
  return {
    name: spec.name,
    image: spec.image,
    cmd: spec.command,
    env: resolved,
    labels: spec.labels,
    binds: [...spec.volumes.map((v) => `${v.volume}:${v.target}`), ...spec.files.map((f) => `${join(configDir(stack.dataDir), 'compose', ...f.source.split('/'))}:${f.target}:ro`)],
    memoryBytes: spec.memoryLimitMiB * 1024 * 1024,
    ...(hc
      ? { healthcheck: { test: hc.test, intervalNs: hc.intervalSeconds * second, timeoutNs: hc.timeoutSeconds * second, retries: hc.retries, startPeriodNs: hc.startPeriodSeconds * second } }
      : {}),
  };
}
