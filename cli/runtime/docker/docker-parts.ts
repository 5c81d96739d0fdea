import { UserError } from '../../errors.js';
import { containerSpecs, type ContainerSpec } from '../../render/containers.js';
import type { RenderedFile } from '../../render/rendered-file.js';
import { CHDB_SERVER_READER_PASSWORD_ENV } from '../../stack/storage-endpoint.js';
import { toolVersion } from '../../version.js';
import type { RuntimeContext } from '../runtime.js';
import type { StackSecrets } from '../../home/secrets.js';
import { collectorPorts, collectorReady, storagePorts, storageReady } from '../stack-parts.js';
import type { FoundPart, Part, PartRunner } from '../up-lifecycle.js';
import { toCreate } from './container-create.js';
import type { ContainerCreate, ContainerEngine } from './engine.js';

/** A container of the stack: the spec the compose file also describes, and how to create it. */
export interface ContainerPart extends Part {
  spec: ContainerSpec;
  create: ContainerCreate;
}

/** A storage image's first start (a fresh volume, a pull just done) takes longer than a process. */
const STORAGE_READY_TIMEOUT_MS = 120_000;

/**
 * The Docker runtime's side of `up`: one container per part, host networking, data in named
 * volumes. It remembers what it created during this up, so a failure removes exactly that.
 * Docker itself starts a stopped part again (restart policy unless-stopped): no supervisor.
 */
export class DockerParts implements PartRunner<ContainerPart> {
  readonly kind = 'docker' as const;
  private readonly created = new Map<string, { container?: string; volumes: string[] }>();

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly engine: ContainerEngine,
  ) {}

  configFiles(files: RenderedFile[]): { files: RenderedFile[]; mode: number } {
    // Mounted read-only into containers that run as an unprivileged user: world-readable (no secrets inside).
    return { files, mode: 0o644 };
  }

  async plan(secrets: StackSecrets, progress: (line: string) => void): Promise<ContainerPart[]> {
    const { stack, env } = this.ctx;
    const specs = containerSpecs(stack, toolVersion);
    // Every image first: a missing one fails in a second, before any container starts.
    for (const spec of specs) await this.ensureImage(spec.image, progress);
    const reader = secrets.readerPassword !== undefined ? { [CHDB_SERVER_READER_PASSWORD_ENV]: secrets.readerPassword } : {};
    return specs.map((spec) => {
      const create = toCreate(stack, spec, { ...env, ...secrets.env, ...reader });
      return spec.service === 'collector'
        ? { name: spec.service, ports: collectorPorts(stack), ready: collectorReady(stack), spec, create }
        : { name: spec.service, ports: storagePorts(stack), ready: storageReady(stack, STORAGE_READY_TIMEOUT_MS), spec, create };
    });
  }

  async find(part: ContainerPart): Promise<FoundPart> {
    const existing = await this.engine.inspectContainer(part.spec.name);
    if (!existing) return { state: 'absent' };
    if (existing.state === 'running') return { state: 'running', what: `container ${existing.id.slice(0, 12)}`, ports: part.ports };
    return { state: 'left-over', what: 'a stopped container left from an earlier run' };
  }

  async clear(part: ContainerPart): Promise<void> {
    const existing = await this.engine.inspectContainer(part.spec.name);
    if (existing) await this.engine.removeContainer(existing.id);
  }

  async start(part: ContainerPart): Promise<string> {
    const created: { container?: string; volumes: string[] } = { volumes: [] };
    this.created.set(part.name, created);
    for (const v of part.spec.volumes) {
      if ((await this.engine.ensureVolume(v.volume, part.spec.labels)) === 'created') created.volumes.push(v.volume);
    }
    created.container = await this.engine.createContainer(part.create);
    await this.engine.startContainer(created.container);
    return `container ${created.container.slice(0, 12)} (${part.spec.image})`;
  }

  /** A container that died will never become ready: stop waiting and say so. */
  async exited(part: ContainerPart): Promise<string | undefined> {
    const id = this.created.get(part.name)?.container;
    const i = id ? await this.engine.inspectContainer(id) : undefined;
    if (!i) return 'container disappeared';
    return i.state === 'running' || i.state === 'created' ? undefined : `container ${i.state} (exit ${i.exitCode ?? '?'}); see telemetry-stack logs ${part.name}`;
  }

  async remove(part: ContainerPart): Promise<string | undefined> {
    const created = this.created.get(part.name);
    if (!created) return undefined;
    const removed: string[] = [];
    if (created.container) {
      await this.engine.removeContainer(created.container).catch(() => {});
      removed.push(`container ${created.container.slice(0, 12)}`);
    }
    for (const v of created.volumes) {
      await this.engine.removeVolume(v).catch(() => {});
      removed.push(`volume ${v}`);
    }
    return removed.length > 0 ? removed.join(', ') : undefined;
  }

  async holdRestarts(): Promise<void> {}

  async resumeRestarts(): Promise<undefined> {
    return undefined;
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
}
