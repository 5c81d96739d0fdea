import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createUsageTelemetry } from '@telemetry-stack/client';
import { readCollectorMetrics } from '../../cli/runtime/collector-metrics.js';
import { encodeLogsRequest, grpcCall, GRPC_STATUS } from './otlp-wire.js';
import { logsPayload, readRunRecord, runs, signalComponent, sleep, stackUpForSuite, storedTally, tag, waitUntil, type RunningStack } from './support.js';

/**
 * A queue of 4 requests with storage down: the receiver must turn clients away with a retryable
 * status (the OTLP receiver maps the exporter's "sending queue is full" to gRPC Unavailable, HTTP
 * 503), stay up, keep what it already acknowledged, and a client library pointed at it must give
 * up quietly within its timeout.
 */
describe('queue full with storage down (delivery.queueSize 4)', () => {
  let stack: RunningStack;
  stackUpForSuite((s) => (stack = s), 'delivery: {queueSize: 4}');

  it('answers retryable errors, stays up, and loses nothing it acknowledged', { timeout: 240_000 }, async () => {
    const run = tag('full');
    await signalComponent(stack.dataDir, 'clickhouse', 'SIGTERM');
    const collector = readRunRecord(stack.dataDir, 'collector');

    const statuses = new Map<number, number>();
    const acked = new Set<number>();
    let firstRefusal = -1;
    const requests = 300;
    for (let i = 0; i < requests; i++) {
      const res = await fetch(`http://127.0.0.1:${stack.ports.http}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: logsPayload(run, i * 10, 10),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 200) for (let k = 0; k < 10; k++) acked.add(i * 10 + k);
      else if (firstRefusal < 0) firstRefusal = i;
      if (i % 50 === 49) {
        const health = await fetch(`http://127.0.0.1:${stack.ports.health}/`, { signal: AbortSignal.timeout(3000) });
        expect(health.status).toBe(200);
      }
    }
    const grpc = await grpcCall(`http://127.0.0.1:${stack.ports.grpc}`, encodeLogsRequest('resilience-cli', 'telemetry-stack/client', [{ body: `${run} grpc` }]));
    const metrics = await readCollectorMetrics(stack.ports.metrics);

    // The client library as a product embeds it: default protocol, its own timeout.
    const client = createUsageTelemetry({
      service: 'resilience-cli',
      version: '1.0.0',
      endpoint: `http://127.0.0.1:${stack.ports.http}`,
      timeoutMs: 800,
      env: {},
      configDir: mkdtempSync(join(tmpdir(), 'telemetry-stack-client-')),
    });
    const results: string[] = [];
    let slowest = 0;
    for (let i = 0; i < 20; i++) {
      const t0 = Date.now();
      results.push(await client.track('deploy', { exit: 0 }));
      slowest = Math.max(slowest, Date.now() - t0);
    }
    await client.flush();

    console.log(
      `[queue full] ${requests} requests of 10 records: HTTP ${JSON.stringify(Object.fromEntries(statuses))}, first refusal at request ${firstRefusal}; ` +
        `gRPC status ${grpc.status} (${grpc.message.slice(0, 60)}); enqueue failures ${metrics.enqueueFailed}, queue ${metrics.queueSize}/${metrics.queueCapacity}; ` +
        `client track x20: ${JSON.stringify(countOf(results))}, slowest ${slowest} ms (timeout 800 ms)`,
    );

    expect(firstRefusal).toBeGreaterThan(0);
    expect([...statuses.keys()].every((s) => s === 200 || s === 503 || s === 429)).toBe(true);
    expect((statuses.get(503) ?? 0) + (statuses.get(429) ?? 0)).toBeGreaterThan(requests / 2);
    expect([GRPC_STATUS.UNAVAILABLE, GRPC_STATUS.RESOURCE_EXHAUSTED]).toContain(grpc.status);
    expect(metrics.enqueueFailed).toBeGreaterThan(0);
    expect(runs(collector.pid, collector.command)).toBe(true);
    expect(results.every((r) => r === 'failed')).toBe(true);
    expect(slowest).toBeLessThan(1500);

    // Storage back: what was acknowledged before the queue filled is delivered.
    const restart = await stack.up();
    expect(restart.started).toEqual(['clickhouse']);
    const { value: final, ms } = await waitUntil(
      () => storedTally(stack, run, acked),
      (t) => t.lost === 0,
      120_000,
      1000,
    );
    await sleep(2000);
    const settled = await storedTally(stack, run, acked);
    console.log(
      `[queue full] after storage returned: acknowledged ${acked.size}, stored ${settled.distinct} distinct, duplicated ${settled.duplicated}, lost ${settled.lost}, in ${(ms / 1000).toFixed(1)} s`,
    );
    expect(final.lost).toBe(0);
    expect(settled.duplicated).toBe(0);
    // Refused records were never acknowledged, and none of them was stored either.
    expect(settled.distinct).toBe(acked.size);
  });
});

function countOf(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
