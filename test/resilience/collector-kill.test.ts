import { describe, expect, it } from 'vitest';
import { readCollectorMetrics } from '../../cli/runtime/collector-metrics.js';
import { duplicatesBySql, sendSequenced, signalComponent, sleep, stackUpForSuite, storedTally, tag, waitUntil, type RunningStack } from './support.js';

const QUEUED_EVENTS = 20_000;
const STREAM_EVENTS = 30_000;

describe('Collector killed with SIGKILL: the persistent queue keeps every acknowledged event', () => {
  let stack: RunningStack;
  stackUpForSuite((s) => (stack = s));

  it('events queued while storage is down survive kill -9 and arrive after up', { timeout: 300_000 }, async () => {
    const run = tag('killq');
    await signalComponent(stack.dataDir, 'clickhouse', 'SIGTERM');
    const tally = await sendSequenced(stack.ports.http, run, QUEUED_EVENTS, { batch: 500 });
    const before = await readCollectorMetrics(stack.ports.metrics);
    // The records are acknowledged and waiting on disk; nothing has reached storage.
    expect(before.queueSize).toBeGreaterThan(0);

    const killed = await signalComponent(stack.dataDir, 'collector', 'SIGKILL');
    const restart = await stack.up();
    expect(restart.started).toEqual(['clickhouse', 'collector']);

    const { value: drained, ms } = await waitUntil(
      () => storedTally(stack, run, tally.acked),
      (t) => t.lost === 0,
      180_000,
      1000,
    );
    await sleep(5000);
    const final = await storedTally(stack, run, tally.acked);
    const sqlDuplicates = await duplicatesBySql(stack, run);
    console.log(
      `[collector kill -9, storage down] sent ${tally.sent}, acknowledged ${tally.acknowledged}, queued before the kill ${before.queueSize} requests, ` +
        `killed pid ${killed}; stored ${final.distinct} distinct in ${final.rows} rows, duplicated ${final.duplicated} (SQL: ${sqlDuplicates}), lost ${final.lost}; ` +
        `drained ${(ms / 1000).toFixed(1)} s after up`,
    );
    expect(tally.acknowledged).toBe(QUEUED_EVENTS);
    expect(drained.lost).toBe(0);
    expect(final.lost).toBe(0);
    // Nothing was in storage when the Collector died, so nothing it replays can be there twice.
    expect(final.duplicated).toBe(0);
  });

  it('kill -9 in the middle of a stream into live storage loses no acknowledged event', { timeout: 300_000 }, async () => {
    const run = tag('kills');
    // The sender keeps going through the kill; batches sent while the Collector is down fail
    // (connection refused) and are not acknowledged, which the tally records.
    const sending = sendSequenced(stack.ports.http, run, STREAM_EVENTS, { batch: 500, spreadMs: 20_000, retries: 0 });
    await sleep(8000);
    const killed = await signalComponent(stack.dataDir, 'collector', 'SIGKILL');
    const restart = await stack.up();
    expect(restart.started).toEqual(['collector']);
    const tally = await sending;

    const { value: drained, ms } = await waitUntil(
      () => storedTally(stack, run, tally.acked),
      (t) => t.lost === 0,
      180_000,
      1000,
    );
    await sleep(5000);
    const final = await storedTally(stack, run, tally.acked);
    console.log(
      `[collector kill -9, storage up] sent ${tally.sent}, acknowledged ${tally.acknowledged} (${JSON.stringify(Object.fromEntries(tally.statuses))}), ` +
        `killed pid ${killed}; stored ${final.distinct} distinct in ${final.rows} rows, duplicated ${final.duplicated}, lost ${final.lost}; ` +
        `drained ${(ms / 1000).toFixed(1)} s after the last send`,
    );
    expect(tally.acknowledged).toBeGreaterThan(0);
    expect(drained.lost).toBe(0);
    expect(final.lost).toBe(0);
  });
});
