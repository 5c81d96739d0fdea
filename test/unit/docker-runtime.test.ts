import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContainerCreate, ContainerEngine, ContainerInfo } from '../../cli/runtime/docker/engine.js';
import { DockerRuntime } from '../../cli/runtime/docker/docker-runtime.js';
import { UserError } from '../../cli/errors.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack } from '../../cli/stack/resolve.js';
import { freePorts } from '../support/ports.js';

/** An engine that keeps containers and volumes in memory and records every call. */
class FakeEngine implements ContainerEngine {
  calls: string[] = [];
  images = new Set<string>();
  pullable = new Set<string>();
  volumes = new Map<string, Record<string, string>>();
  containers = new Map<string, ContainerInfo & { spec: ContainerCreate }>();
  private next = 1;
  async ping() {}
  async apiVersion() {
    return '1.41';
  }
  async hasImage(image: string) {
    return this.images.has(image);
  }
  async pullImage(image: string, progress: (line: string) => void) {
    this.calls.push(`pull ${image}`);
    if (!this.pullable.has(image)) throw new Error('pull access denied');
    progress(`${image}: Downloaded`);
    this.images.add(image);
  }
  async ensureVolume(name: string, labels: Record<string, string>) {
    if (this.volumes.has(name)) return 'exists' as const;
    this.calls.push(`volume ${name}`);
    this.volumes.set(name, labels);
    return 'created' as const;
  }
  async removeVolume(name: string) {
    this.calls.push(`rm volume ${name}`);
    this.volumes.delete(name);
  }
  async listVolumes(labels: Record<string, string>) {
    return [...this.volumes].filter(([, l]) => Object.entries(labels).every(([k, v]) => l[k] === v)).map(([n]) => n);
  }
  async createContainer(spec: ContainerCreate) {
    const id = `c${this.next++}`.padEnd(64, '0');
    this.calls.push(`create ${spec.name}`);
    this.containers.set(id, { id, name: spec.name, labels: spec.labels, state: 'created', spec });
    return id;
  }
  async startContainer(id: string) {
    this.calls.push(`start ${this.containers.get(id)!.name}`);
    this.containers.get(id)!.state = 'running';
  }
  async inspectContainer(idOrName: string) {
    return [...this.containers.values()].find((c) => c.id === idOrName || c.name === idOrName);
  }
  async stopContainer(id: string) {
    this.calls.push(`stop ${this.containers.get(id)?.name}`);
    const c = this.containers.get(id);
    if (c) c.state = 'exited';
  }
  async removeContainer(id: string) {
    this.calls.push(`rm ${this.containers.get(id)?.name}`);
    this.containers.delete(id);
  }
  async listContainers(labels: Record<string, string>) {
    return [...this.containers.values()].filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v));
  }
  async logs() {}
}

/** Containers "start" and exit at once, so readiness waits end quickly without a real server. */
function exitOnStart(engine: FakeEngine): void {
  const start = engine.startContainer.bind(engine);
  engine.startContainer = async (id: string) => {
    await start(id);
    engine.containers.get(id)!.state = 'exited';
    engine.containers.get(id)!.exitCode = 1;
  };
}

async function fixture(extra = '') {
  const [grpc, http, health, metrics, loki] = (await freePorts(5)) as number[];
  const dataDir = mkdtempSync(join(tmpdir(), 'docker-unit-'));
  const text = `version: 1\nname: unit\ndataDir: ${dataDir}\nbackend: loki\nruntime: docker\nreceivers: {grpc: {port: ${grpc}}, http: {port: ${http}}}\ncollector: {healthPort: ${health}, metricsPort: ${metrics}}\nloki: {port: ${loki}}\nimages: {collector: local/collector:1, loki: local/loki:1}\n${extra}`;
  const stack = resolveStack(parseStackFile(text, 's.yaml', {}).stack!, join(dataDir, 's.yaml'), {});
  const engine = new FakeEngine();
  const runtime = new DockerRuntime({ stack, env: {} }, engine);
  return { engine, runtime, stack };
}

describe('docker runtime (fake engine)', () => {
  it('a missing image that cannot be pulled: one line with the fix, nothing created', async () => {
    const { engine, runtime } = await fixture();
    engine.images.add('local/loki:1');
    const error = await runtime.up(() => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/^image local\/collector:1 is not on this machine and could not be pulled \(pull access denied\); .*images build/);
    expect(engine.calls).toEqual(['pull local/collector:1']);
    expect(engine.containers.size).toBe(0);
    expect(engine.volumes.size).toBe(0);
  });

  it('pulls a missing image with progress before creating anything', async () => {
    const { engine, runtime } = await fixture();
    engine.images.add('local/collector:1');
    engine.pullable.add('local/loki:1');
    exitOnStart(engine);
    const lines: string[] = [];
    // This test is about the order of work; the start itself fails at once.
    await runtime.up((l) => lines.push(l)).catch(() => {});
    expect(lines).toContain('pulling local/loki:1');
    expect(lines).toContain('local/loki:1: Downloaded');
    expect(engine.calls.indexOf('pull local/loki:1')).toBeLessThan(engine.calls.findIndex((c) => c.startsWith('create')));
  });

  it('a container that never becomes ready: names what it waited for, removes what it created', async () => {
    const { engine, runtime } = await fixture();
    engine.images.add('local/collector:1').add('local/loki:1');
    exitOnStart(engine);
    const error = (await runtime.up(() => {}).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      /^Loki on 127\.0\.0\.1:\d+ \/ready: not ready after \d+ s: container exited \(exit 1\).*; removed what this up created: loki \(container c1\d{10}, volume telemetry-stack-unit-loki\)$/,
    );
    expect(engine.containers.size).toBe(0);
    expect(engine.volumes.size).toBe(0);
    expect(engine.calls.filter((c) => c.startsWith('rm'))).toEqual(['rm telemetry-stack-unit-loki', 'rm volume telemetry-stack-unit-loki']);
  });

  it('down stops the Collector before storage and keeps volumes unless asked', async () => {
    const { engine, runtime } = await fixture();
    const labels = (service: string) => ({ 'dev.telemetry-stack.tool': 'telemetry-stack', 'dev.telemetry-stack.stack': 'unit', 'dev.telemetry-stack.service': service });
    for (const service of ['loki', 'collector']) {
      const id = await engine.createContainer({ name: `telemetry-stack-unit-${service}`, image: 'x', cmd: [], env: [], labels: labels(service), binds: [], memoryBytes: 1 });
      await engine.startContainer(id);
    }
    await engine.ensureVolume('telemetry-stack-unit-loki', labels('loki'));
    engine.calls = [];
    const kept = await runtime.down({ volumes: false });
    expect(engine.calls).toEqual(['stop telemetry-stack-unit-collector', 'rm telemetry-stack-unit-collector', 'stop telemetry-stack-unit-loki', 'rm telemetry-stack-unit-loki']);
    expect(kept.stopped.map((s) => s.component)).toEqual(['collector', 'loki']);
    expect(engine.volumes.size).toBe(1);
    const gone = await runtime.down({ volumes: true });
    expect(gone.stopped).toEqual([{ component: 'volume telemetry-stack-unit-loki', how: 'deleted' }]);
    expect(engine.volumes.size).toBe(0);
  });
});
