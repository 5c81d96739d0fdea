import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { sendCliEvents } from '../support/otlp-send.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

async function countRows(stack: TestStack, runId: string): Promise<number> {
  const password = readFileSync(join(stack.dataDir, 'secrets', 'clickhouse-password'), 'utf8').trim();
  const query = `SELECT count() FROM telemetry.otel_logs WHERE position(Body, '${runId}') > 0 FORMAT TabSeparated`;
  const res = await fetch(`http://127.0.0.1:${stack.ports.storage}/`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`telemetry_writer:${password}`).toString('base64')}` },
    body: query,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return Number(text.trim());
}

async function waitForCount(stack: TestStack, runId: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = 0;
  while (Date.now() < deadline) {
    n = await countRows(stack, runId);
    if (n >= expected) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return n;
}

describe('process runtime with the embedded engine (real Collector, real chdb)', () => {
  let stack: TestStack;
  const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir });

  beforeAll(async () => {
    await testCollectorBinary();
    stack = await writeTestStack();
  });

  afterAll(async () => {
    if (stack) await cli(['down']);
  });

  it('up brings every part up and verify passes every check', async () => {
    const up = await cli(['up']);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.exitCode).toBe(0);
    expect(up.stderr).toContain('runtime: process');
    const verify = await cli(['verify', '--json']);
    const report = JSON.parse(verify.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual(['config', 'disk', 'collector', 'dropped', 'storage', 'canary sent', 'canary stored', 'sanitized', 'retention', 'latency']);
    expect(verify.exitCode).toBe(0);
    // The default engine did the masking, and the check says so.
    expect(report.checks.find((c) => c.name === 'sanitized')?.detail).toContain('by the sanitize processor');
  });

  it('a second up is idempotent', async () => {
    const again = await cli(['up', '--json']);
    expect(again.exitCode).toBe(0);
    const result = JSON.parse(again.stdout) as { started: string[]; alreadyRunning: string[] };
    expect(result.started).toEqual([]);
    expect(result.alreadyRunning).toEqual(['clickhouse', 'collector']);
  });

  it('stores 10,000 events sent over OTLP/HTTP exactly once', async () => {
    const runId = `load-${Date.now()}`;
    const sent = await sendCliEvents(stack.ports.http, runId, 10_000);
    const stored = await waitForCount(stack, runId, sent, 60_000);
    // Give a late duplicate (a retried batch) time to land before judging "exactly once".
    await new Promise((r) => setTimeout(r, 2000));
    const final = await countRows(stack, runId);
    console.log(`process runtime load: sent ${sent}, stored ${final}`);
    expect(stored).toBe(sent);
    expect(final).toBe(sent);
  });

  it('status shows both components running with the Collector counters', async () => {
    const status = await cli(['status', '--json']);
    expect(status.exitCode).toBe(0);
    const parsed = JSON.parse(status.stdout) as { components: { component: string; state: string; detail?: string }[] };
    expect(parsed.components.map((c) => [c.component, c.state])).toEqual([
      ['clickhouse', 'running'],
      ['collector', 'running'],
    ]);
    expect(parsed.components[1]!.detail).toMatch(/accepted \d+/);
    // Secrets never appear in status output.
    const password = readFileSync(join(stack.dataDir, 'secrets', 'clickhouse-password'), 'utf8').trim();
    expect(status.stdout).not.toContain(password);
  });

  it('down then up keeps earlier events', async () => {
    const runId = `persist-${Date.now()}`;
    await sendCliEvents(stack.ports.http, runId, 100);
    expect(await waitForCount(stack, runId, 100, 30_000)).toBe(100);
    const down = await cli(['down']);
    expect(down.exitCode).toBe(0);
    expect(down.stdout).toContain('collector: stopped');
    expect((await cli(['status'])).exitCode).toBe(1);
    expect((await cli(['up'])).exitCode).toBe(0);
    expect(await countRows(stack, runId)).toBe(100);
  });

  it('handles a stale record left by a crash', async () => {
    await cli(['down']);
    writeFileSync(
      join(stack.dataDir, 'run', 'collector.json'),
      JSON.stringify({ component: 'collector', pid: 2 ** 22 - 7, command: '/nonexistent/otelcol', args: [], ports: [], startedAt: new Date().toISOString(), logFile: '' }),
    );
    const up = await cli(['up']);
    expect(up.exitCode).toBe(0);
    expect(up.stderr).toContain('removed a stale record');
  });

  it('names the holder of a busy port, and a failed up leaves nothing running', async () => {
    await cli(['down']);
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(stack.ports.http, '127.0.0.1', () => r()));
    try {
      const up = await cli(['up']);
      expect(up.exitCode).toBe(1);
      expect(up.stderr).not.toMatch(STACK_TRACE);
      expect(up.stderr).toMatch(new RegExp(`port ${stack.ports.http} is in use by pid ${process.pid}`));
      const status = JSON.parse((await cli(['status', '--json'])).stdout) as { components: { state: string }[] };
      expect(status.components.map((c) => c.state)).toEqual(['stopped', 'stopped']);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
