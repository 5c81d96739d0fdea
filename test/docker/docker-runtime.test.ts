import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_STACK } from '../../cli/render/containers.js';
import type { DockerodeEngine } from '../../cli/runtime/docker/dockerode-engine.js';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { requireDockerWithImages } from '../support/docker.js';
import { sendCliEvents } from '../support/otlp-send.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

async function lokiCount(port: number, runId: string): Promise<number> {
  const query = `sum(count_over_time({service_name="load-test-cli"} |= "${runId}" [1h]))`;
  const res = await fetch(`http://127.0.0.1:${port}/loki/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(20_000) });
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  return Number(body.data.result[0]?.value[1] ?? 0);
}

describe('docker runtime on the real engine (Collector and Loki images built here)', () => {
  let engine: DockerodeEngine;
  let stack: TestStack;
  const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir });
  const ours = async () => (await engine.listContainers({ [LABEL_STACK]: 'it' })).map((c) => `${c.name} ${c.state}`);

  beforeAll(async () => {
    const docker = await requireDockerWithImages();
    engine = docker.engine;
    stack = await writeTestStack(`images:\n  collector: ${docker.images.collector}\n  loki: ${docker.images.loki}\n`, 'loki');
    // writeTestStack says runtime: process; this suite is about docker.
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(stack.file, readFileSync(stack.file, 'utf8').replace('runtime: process', 'runtime: docker'));
  });

  afterAll(async () => {
    if (stack) await cli(['down', '--volumes']);
  });

  it('up starts Loki and the Collector in containers and verify passes', async () => {
    const up = await cli(['up']);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.exitCode).toBe(0);
    expect((await ours()).sort()).toEqual(['telemetry-stack-it-collector running', 'telemetry-stack-it-loki running']);
    const verify = await cli(['verify', '--json']);
    const report = JSON.parse(verify.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual(['config', 'collector', 'storage', 'canary sent', 'canary stored', 'sanitized', 'retention', 'latency']);
  });

  it('10,000 events arrive in Loki, read back with LogQL', async () => {
    const runId = `docker-${Date.now()}`;
    const sent = await sendCliEvents(stack.ports.http, runId, 10_000);
    let stored = 0;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && stored < sent) {
      stored = await lokiCount(stack.ports.storage, runId);
      if (stored < sent) await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`docker runtime (Loki) load: sent ${sent}, stored ${stored}`);
    expect(stored).toBe(sent);
  });

  it('status lists both containers running', async () => {
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { runtime: string; components: { component: string; state: string }[] };
    expect(status.runtime).toBe('docker');
    expect(status.components.map((c) => [c.component, c.state])).toEqual([['loki', 'running'], ['collector', 'running']]);
  });

  it('down leaves no container behind and keeps the volumes; up again finds the data', async () => {
    const runId = `keep-${Date.now()}`;
    await sendCliEvents(stack.ports.http, runId, 50);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await lokiCount(stack.ports.storage, runId)) < 50) await new Promise((r) => setTimeout(r, 1000));
    expect((await cli(['down'])).exitCode).toBe(0);
    expect(await ours()).toEqual([]);
    expect((await engine.listVolumes({ [LABEL_STACK]: 'it' })).length).toBeGreaterThan(0);
    expect((await cli(['up'])).exitCode).toBe(0);
    expect(await lokiCount(stack.ports.storage, runId)).toBe(50);
  });

  it('a port in use: one line naming the holder, nothing left behind', async () => {
    await cli(['down']);
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(stack.ports.health, '127.0.0.1', () => r()));
    try {
      const up = await cli(['up']);
      expect(up.exitCode).toBe(1);
      expect(up.stderr).not.toMatch(STACK_TRACE);
      expect(up.stderr).toMatch(new RegExp(`port ${stack.ports.health} is in use by pid ${process.pid}`));
      expect(await ours()).toEqual([]);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('a missing image: one line with the air-gapped fix, nothing left behind', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const original = readFileSync(stack.file, 'utf8');
    writeFileSync(stack.file, original.replace(/^  collector: .+$/m, '  collector: telemetry-stack/does-not-exist:never'));
    try {
      const up = await cli(['up']);
      expect(up.exitCode).toBe(1);
      expect(up.stderr).not.toMatch(STACK_TRACE);
      expect(up.stderr).toContain('telemetry-stack/does-not-exist:never');
      expect(up.stderr).toContain('images build');
      expect(await ours()).toEqual([]);
    } finally {
      writeFileSync(stack.file, original);
    }
  });
});
