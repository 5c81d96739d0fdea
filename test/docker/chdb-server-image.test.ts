import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_STACK } from '../../cli/render/containers.js';
import type { DockerodeEngine } from '../../cli/runtime/docker/dockerode-engine.js';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { requireDockerWithImages, type DockerForTests } from '../support/docker.js';
import { sendCliEvents } from '../support/otlp-send.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

/**
 * The Docker runtime with backend clickhouse end to end on the storage image built here
 * (`images build`, FROM scratch: the chdb-server launcher, libchdb and the libraries they link):
 * both containers are ours, nothing is pulled. The official clickhouse/clickhouse-server image is
 * the default elsewhere; this machine has no registry to pull it from.
 */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('docker runtime, backend clickhouse on the chdb-server storage image built here', () => {
  let docker: DockerForTests;
  let engine: DockerodeEngine;
  let stack: TestStack;
  const env = () => {
    const { TELEMETRY_STACK_CLICKHOUSE_PASSWORD: _unset, ...rest } = process.env;
    return rest;
  };
  const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir, env: env() });
  const ours = async () => (await engine.listContainers({ [LABEL_STACK]: 'it' })).map((c) => `${c.name} ${c.state}`).sort();
  /** As the read-only user, with the password `up` generated into the data directory. */
  const asReader = async (sql: string): Promise<string> => {
    const password = readFileSync(join(stack.dataDir, 'secrets', 'clickhouse-reader-password'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${stack.ports.storage}/?database=telemetry`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`telemetry_reader:${password}`).toString('base64')}` },
      body: `${sql} FORMAT TabSeparated`,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.trim()}`);
    return text.trim();
  };
  const count = async (runId: string) => Number(await asReader(`SELECT count() FROM otel_logs WHERE position(Body, '${runId}') > 0`));
  const waitForCount = async (runId: string, expected: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let n = 0;
    while (Date.now() < deadline && (n = await count(runId).catch(() => -1)) < expected) await new Promise((r) => setTimeout(r, 1000));
    return n;
  };

  beforeAll(async () => {
    docker = await requireDockerWithImages();
    engine = docker.engine;
    stack = await writeTestStack('', 'clickhouse');
    const text = readFileSync(stack.file, 'utf8')
      .replace('runtime: process', 'runtime: docker')
      .replace(
        /^clickhouse: .*$/m,
        `clickhouse: {server: chdb-server, port: ${stack.ports.storage}, nativePort: ${stack.ports.native}}\nimages: {collector: ${docker.images.collector}, clickhouse: ${docker.images.chdbServer}}`,
      );
    writeFileSync(stack.file, text);
  }, 1_800_000);

  afterAll(async () => {
    if (stack) await cli(['down', '--volumes']);
    await docker?.release();
  });

  it('up starts both containers from local images; verify passes every check', async () => {
    const up = await cli(['up']);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toContain(`clickhouse: started container`);
    expect(up.stderr).toContain(`(${docker.images.chdbServer})`);
    expect(await ours()).toEqual(['telemetry-stack-it-clickhouse running', 'telemetry-stack-it-collector running']);
    const verify = await cli(['verify', '--json']);
    const report = JSON.parse(verify.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['config', 'collector', 'storage', 'canary sent', 'canary stored', 'sanitized', 'retention', 'latency']));
    expect(verify.exitCode).toBe(0);
  });

  it('the container runs as uid 10001, its listeners on loopback only, and the CLI reads as a read-only user', async () => {
    const info = await engine.inspectContainer('telemetry-stack-it-clickhouse');
    expect(info?.health).toBe('healthy');
    const pid = (await execa('docker', ['inspect', '--format', '{{.State.Pid}}', 'telemetry-stack-it-clickhouse'])).stdout.trim();
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Uid:\s+10001\s+10001\s/m);
    // Host networking: an address of this machine beyond loopback must not reach either listener.
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
    if (outside) {
      for (const port of [stack.ports.storage, stack.ports.native]) expect(await connects(outside, port), `${outside}:${port}`).toBe(false);
      expect(await connects('127.0.0.1', stack.ports.native)).toBe(true);
    }
    const [user, readonly] = (await asReader("SELECT currentUser(), getSetting('readonly')")).split('\t');
    expect([user, readonly]).toEqual(['telemetry_reader', '1']);
    await expect(asReader("SELECT * FROM file('/etc/passwd', 'LineAsString')")).rejects.toThrow(/Code: 497/);
    const query = await cli(['query', '--sql', "SELECT getSetting('readonly') AS ro", '--json']);
    expect(query.exitCode, query.stderr).toBe(0);
    expect(JSON.parse(query.stdout)).toMatchObject({ rows: [{ ro: 1 }] });
  });

  it('10,000 events through the Collector container are stored in the storage container, counted by SQL', async () => {
    const runId = `chdb-image-${Date.now()}`;
    const sent = await sendCliEvents(stack.ports.http, runId, 10_000);
    const stored = await waitForCount(runId, sent, 90_000);
    console.log(`docker runtime on the chdb-server image: sent ${sent}, stored ${stored}`);
    expect(stored).toBe(sent);
  });

  it('down and up again keep the data in the volume; down --volumes removes everything', async () => {
    const before = Number(await asReader('SELECT count() FROM otel_logs'));
    expect(before).toBeGreaterThanOrEqual(10_000);
    const down = await cli(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await ours()).toEqual([]);
    const up = await cli(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(Number(await asReader('SELECT count() FROM otel_logs'))).toBe(before);
    const gone = await cli(['down', '--volumes']);
    expect(gone.exitCode, gone.stderr).toBe(0);
    expect(await ours()).toEqual([]);
    expect(await engine.listVolumes({ [LABEL_STACK]: 'it' })).toEqual([]);
  });
});
