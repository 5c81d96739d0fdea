import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import type { ContainerCreate, ContainerEngine, ContainerInfo } from './engine.js';

const labelFilter = (labels: Record<string, string>) => JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });

/** ContainerEngine over dockerode (the Docker Engine API on its unix socket). */
export class DockerodeEngine implements ContainerEngine {
  private readonly docker: Docker;

  constructor(socketPath?: string) {
    this.docker = new Docker(socketPath ? { socketPath } : {});
  }

  async ping(): Promise<void> {
    await this.docker.ping();
  }

  async apiVersion(): Promise<string> {
    return (await this.docker.version()).ApiVersion;
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw e;
    }
  }

  async pullImage(image: string, progress: (line: string) => void): Promise<void> {
    const stream = (await this.docker.pull(image)) as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (event: { status?: string; id?: string; progress?: string }) => {
          // Per-layer byte counters arrive many times a second; status changes are what matter.
          if (event.status && !event.progress) progress(`${image}: ${event.id ? `${event.id} ` : ''}${event.status}`);
        },
      );
    });
  }

  async ensureVolume(name: string, labels: Record<string, string>): Promise<'created' | 'exists'> {
    try {
      await this.docker.getVolume(name).inspect();
      return 'exists';
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
    await this.docker.createVolume({ Name: name, Labels: labels });
    return 'created';
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }

  async listVolumes(labels: Record<string, string>): Promise<string[]> {
    const res = await this.docker.listVolumes({ filters: labelFilter(labels) });
    return (res.Volumes ?? []).map((v) => v.Name);
  }

  async createContainer(spec: ContainerCreate): Promise<string> {
    const container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Cmd: spec.cmd,
      Env: spec.env,
      Labels: spec.labels,
      ...(spec.healthcheck
        ? {
            Healthcheck: {
              Test: spec.healthcheck.test,
              Interval: spec.healthcheck.intervalNs,
              Timeout: spec.healthcheck.timeoutNs,
              Retries: spec.healthcheck.retries,
              StartPeriod: spec.healthcheck.startPeriodNs,
            },
          }
        : {}),
      HostConfig: {
        // Host networking: every server inside listens on 127.0.0.1, nothing is published.
        NetworkMode: 'host',
        Binds: spec.binds,
        RestartPolicy: { Name: 'unless-stopped' },
        Memory: spec.memoryBytes,
      },
    });
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).start();
  }

  async inspectContainer(idOrName: string): Promise<ContainerInfo | undefined> {
    try {
      const info = await this.docker.getContainer(idOrName).inspect();
      const health = info.State.Health?.Status as ContainerInfo['health'] | undefined;
      return {
        id: info.Id,
        name: info.Name.replace(/^\//, ''),
        labels: info.Config.Labels ?? {},
        state: info.State.Status as ContainerInfo['state'],
        ...(health && health !== ('none' as string) ? { health } : {}),
        startedAt: info.State.StartedAt,
        exitCode: info.State.ExitCode,
      };
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: graceSeconds });
    } catch (e) {
      // 304: already stopped; 404: already gone. Both are the state we want.
      if (statusOf(e) !== 304 && statusOf(e) !== 404) throw e;
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const list = await this.docker.listContainers({ all: true, filters: labelFilter(labels) });
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      labels: c.Labels,
      state: c.State as ContainerInfo['state'],
    }));
  }

  async logs(id: string, options: { follow: boolean; tail: number; write: (text: string) => void; signal?: AbortSignal }): Promise<void> {
    const container = this.docker.getContainer(id);
    if (!options.follow) {
      const buf = (await container.logs({ stdout: true, stderr: true, tail: options.tail, follow: false })) as unknown as Buffer;
      options.write(demux(buf));
      return;
    }
    const stream = (await container.logs({ stdout: true, stderr: true, tail: options.tail, follow: true })) as NodeJS.ReadableStream & { destroy?: () => void };
    const out = new PassThrough();
    out.on('data', (d: Buffer) => options.write(d.toString()));
    this.docker.modem.demuxStream(stream, out, out);
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      options.signal?.addEventListener('abort', () => {
        stream.destroy?.();
        resolve();
      });
    });
  }
}

/** Docker multiplexes stdout/stderr in 8-byte-header frames when the container has no TTY. */
function demux(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length) {
    const size = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + size).toString();
    i += 8 + size;
  }
  return i === 0 ? buf.toString() : out;
}

function statusOf(e: unknown): number | undefined {
  return (e as { statusCode?: number }).statusCode;
}
