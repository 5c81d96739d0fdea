import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_STACK } from '../../cli/render/containers.js';
import type { DockerodeEngine } from '../../cli/runtime/docker/dockerode-engine.js';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { requireDockerWithImages, type DockerForTests } from '../support/docker.js';
import { sendCliEvents } from '../support/otlp-send.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';
import { startTestStore, type TestStore } from '../store/helpers.js';

/**
 * The Docker runtime end to end on the real engine: the Collector runs in a container built here
 * (FROM scratch, `images build`) and writes to a ClickHouse server the user brings
 * (`clickhouse.url`): ClickHouse's own server from libchdb, run on the host by the chdb-server
 * launcher (no server image can be pulled on these machines); the container reaches it over host
 * networking on 127.0.0.1. test/docker/chdb-server-image.test.ts runs that server in a container.
 */
describe("docker runtime on the real engine (Collector image built here, ClickHouse of the user's)", () => {
  let docker: DockerForTests;
  let engine: DockerodeEngine;
  let store: TestStore;
  const storeUrl = () => store.server.ready.url;
  let stack: TestStack;
  const PASSWORD = 'docker-e2e-password-0123456789';
  const env = () => ({ ...process.env, TELEMETRY_STACK_CLICKHOUSE_PASSWORD: PASSWORD });
  const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir, env: env() });
  const ours = async () => (await engine.listContainers({ [LABEL_STACK]: 'it' })).map((c) => `${c.name} ${c.state}`);
  const count = async (runId: string): Promise<number> => {
    const res = await fetch(`${storeUrl()}/?database=telemetry`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`telemetry_writer:${PASSWORD}`).toString('base64')}` },
      body: `SELECT count() FROM otel_logs WHERE position(Body, '${runId}') > 0 FORMAT TabSeparated`,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) return -1;
    return Number(text.trim());
  };
  const waitForCount = async (runId: string, expected: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let n = 0;
    while (Date.now() < deadline && (n = await count(runId)) < expected) await new Promise((r) => setTimeout(r, 1000));
    return n;
  };

  beforeAll(async () => {
    docker = await requireDockerWithImages();
    engine = docker.engine;
    stack = await writeTestStack('', 'clickhouse');
    mkdirSync(join(stack.dir, 'store', 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(join(stack.dir, 'store', 'secrets', 'clickhouse-password'), PASSWORD + '\n', { mode: 0o600 });
    store = await startTestStore(join(stack.dir, 'store'));
    const text = readFileSync(stack.file, 'utf8')
      .replace('runtime: process', 'runtime: docker')
      .replace(/^clickhouse: .*$/m, `clickhouse: {url: '${storeUrl()}', username: telemetry_writer}\nimages: {collector: ${docker.images.collector}}`);
    writeFileSync(stack.file, text);
  }, 1_800_000);

  afterAll(async () => {
    if (stack) await cli(['down', '--volumes']);
    await store?.server.stop();
    await docker?.release();
  });

  it("up starts only the Collector container; verify passes every check against the user's ClickHouse", async () => {
    const up = await cli(['up']);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.exitCode).toBe(0);
    expect(up.stderr).toContain(`ClickHouse at ${storeUrl()}: answers (yours; up starts only the Collector)`);
    expect(await ours()).toEqual(['telemetry-stack-it-collector running']);
    const verify = await cli(['verify', '--json']);
    const report = JSON.parse(verify.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['config', 'collector', 'storage', 'canary sent', 'canary stored', 'sanitized', 'retention', 'latency']));
  });

  it('10,000 events through the container arrive in ClickHouse, counted by SQL', async () => {
    const runId = `docker-${Date.now()}`;
    const sent = await sendCliEvents(stack.ports.http, runId, 10_000);
    const stored = await waitForCount(runId, sent, 90_000);
    console.log(`docker runtime (ClickHouse of the user's): sent ${sent}, stored ${stored}`);
    expect(stored).toBe(sent);
  });

  it("status shows the user's ClickHouse answering and the Collector container running with its counters", async () => {
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { runtime: string; components: { component: string; state: string; detail?: string }[] };
    expect(status.runtime).toBe('docker');
    expect(status.components.map((c) => [c.component, c.state])).toEqual([
      ['clickhouse', 'running'],
      ['collector', 'running'],
    ]);
    expect(status.components[0]!.detail).toBe(`yours: ClickHouse at ${storeUrl()}`);
  });

  it('storage down while the container runs: events wait in the queue volume, across down and up, and all arrive', async () => {
    const runId = `outage-${Date.now()}`;
    const port = store.server.ready.port;
    await store.server.stop();
    const sent = await sendCliEvents(stack.ports.http, runId, 500);
    // down stops the container (it flushes into its queue) and keeps the queue volume.
    expect((await cli(['down'])).exitCode).toBe(0);
    expect(await ours()).toEqual([]);
    expect((await engine.listVolumes({ [LABEL_STACK]: 'it' })).length).toBeGreaterThan(0);
    store = await startTestStore(join(stack.dir, 'store'), { port });
    const up = await cli(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(await waitForCount(runId, sent, 90_000)).toBe(sent);
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
    const original = readFileSync(stack.file, 'utf8');
    writeFileSync(stack.file, original.replace(/collector: telemetry-stack\/collector:[^}\s]+/, 'collector: telemetry-stack/does-not-exist:never'));
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
