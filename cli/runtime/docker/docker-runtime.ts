import { UserError } from '../../errors.js';
import { containerSpecs, LABEL_STACK, LABEL_TOOL, type ContainerSpec } from '../../render/containers.js';
import { storageEndpoint } from '../../stack/storage-endpoint.js';
import { toolVersion } from '../../version.js';
import { withCollectorCounters } from '../collector-metrics.js';
import type { ComponentStatus, DownResult, Runtime, RuntimeContext, UpResult } from '../runtime.js';
import { collectorPorts, externalStorageStatus, storagePorts } from '../stack-parts.js';
import { upStack } from '../up-lifecycle.js';
import { DockerParts } from './docker-parts.js';
import type { ContainerEngine } from './engine.js';

/** The Collector flushes into its persistent queue on SIGTERM; give it the same time as natively. */
const STOP_GRACE_SECONDS = 20;

/**
 * Containers through the Docker Engine API: the same containers the compose file describes
 * (render/containers.ts), host networking, every server on 127.0.0.1, data in named volumes.
 * `up` is the shared lifecycle (up-lifecycle.ts) over this runtime's parts (docker-parts.ts): a
 * failed one removes every container and volume it created, and names them and what it waited for.
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
    await this.requireEngine();
    return upStack(this.ctx, new DockerParts(this.ctx, this.engine), progress);
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
}
