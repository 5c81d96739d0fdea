import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCollectorMetrics } from '../../cli/runtime/collector-metrics.js';
import { duplicatesBySql, sendSequenced, signalComponent, sleep, startStack, storedTally, tag, waitUntil, type RunningStack } from './support.js';

const EVENTS = 50_000;
const OUTAGE_MS = 60_000;

describe('storage outage: 60 s without storage while 50,000 events arrive (process runtime, embedded engine)', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startStack();
    const first = await stack.up();
    expect(first.started).toEqual(['clickhouse', 'collector']);
  });

  afterAll(async () => {
    if (stack) await stack.down();
  });

  it('stores every acknowledged event once storage is back, with no duplicates', { timeout: 420_000 }, async () => {
    const run = tag('outage');
    // Storage goes away mid-stream: inserts are in flight when it stops, and the rest of the
    // events arrive over most of the outage, so the exporter fails and retries the whole time.
    const sending = sendSequenced(stack.ports.http, run, EVENTS, { batch: 500, spreadMs: OUTAGE_MS - 10_000 });
    await sleep(4000);
    const stoppedAt = Date.now();
    await signalComponent(stack.dataDir, 'clickhouse', 'SIGTERM');
    const tally = await sending;
    const during = await readCollectorMetrics(stack.ports.metrics);
    await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));

    const restart = await stack.up();
    const outageSeconds = (Date.now() - stoppedAt) / 1000;
    // Only the missing part comes back; the Collector (holding the queue) is left alone.
    expect(restart.started).toEqual(['clickhouse']);
    expect(restart.alreadyRunning).toEqual(['collector']);

    const { value: drained, ms } = await waitUntil(
      () => storedTally(stack, run, tally.acked),
      (t) => t.lost === 0,
      240_000,
      1000,
    );
    // A retried batch that lands late would show up here, not in the first count.
    await sleep(5000);
    const final = await storedTally(stack, run, tally.acked);
    const sqlDuplicates = await duplicatesBySql(stack, run);
    const after = await readCollectorMetrics(stack.ports.metrics);

    console.log(
      `[storage outage] sent ${tally.sent}, acknowledged ${tally.acknowledged} (HTTP ${JSON.stringify(Object.fromEntries(tally.statuses))}), ` +
        `stored ${final.distinct} distinct in ${final.rows} rows, duplicated ${final.duplicated} (SQL: ${sqlDuplicates}), lost ${final.lost}; ` +
        `outage ${outageSeconds.toFixed(0)} s, drained ${(ms / 1000).toFixed(1)} s after restart; ` +
        `queue during outage ${during.queueSize}/${during.queueCapacity}, send failures ${after.sendFailed}, enqueue failures ${after.enqueueFailed}`,
    );

    expect(tally.acknowledged).toBe(EVENTS);
    expect(drained.lost).toBe(0);
    expect(final.lost).toBe(0);
    expect(final.duplicated).toBe(0);
    expect(sqlDuplicates).toBe(0);
    expect(after.enqueueFailed).toBe(0);
  });
});
