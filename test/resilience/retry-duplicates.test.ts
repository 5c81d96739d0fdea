import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duplicatesBySql, logsPayload, readRunRecord, sleep, stackUpForSuite, storedTally, tag, waitUntil, type RunningStack } from './support.js';

/**
 * The duplicate the storage outage cannot show: storage that stalls (SIGSTOP stands in for a
 * machine deep in swap or a stop-the-world pause) for longer than the exporter's 10 s insert
 * timeout, then resumes: the insert it was holding completes anyway, and the exporter sends the
 * same batch again. Without the deduplication window the rollups renderer sets, such runs stored
 * about a quarter of their events twice.
 */
describe('exporter retries after an insert timeout (embedded engine stalled past the timeout)', () => {
  let stack: RunningStack;
  stackUpForSuite((s) => (stack = s));

  it('the exporter tables carry the deduplication window', async () => {
    for (const table of ['otel_logs', 'otel_metrics_sum']) {
      const ddl = await stack.query(`SHOW CREATE TABLE telemetry.${table} FORMAT TabSeparatedRaw`);
      expect(ddl, table).toMatch(/non_replicated_deduplication_window = 10000/);
    }
  });

  it('stores each acknowledged event once although inserts timed out and were retried', { timeout: 180_000 }, async () => {
    const run = tag('retry');
    const logPath = join(stack.dataDir, 'logs', 'collector.log');
    const logStart = statSync(logPath).size;
    const acked = new Set<number>();
    let sent = 0;
    const stalls: Promise<void>[] = [];
    const storagePid = readRunRecord(stack.dataDir, 'clickhouse').pid;
    const stall = async () => {
      process.kill(storagePid, 'SIGSTOP');
      await sleep(13_000);
      process.kill(storagePid, 'SIGCONT');
    };
    const started = Date.now();
    // Events keep flowing; twice, the engine stalls for 13 s, past the exporter's 10 s timeout.
    while (Date.now() - started < 34_000) {
      const from = sent;
      const res = await fetch(`http://127.0.0.1:${stack.ports.http}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: logsPayload(run, from, 200),
        signal: AbortSignal.timeout(20_000),
      });
      await res.arrayBuffer();
      sent += 200;
      if (res.status === 200) for (let i = 0; i < 200; i++) acked.add(from + i);
      const elapsed = Date.now() - started;
      if ((elapsed > 3000 && stalls.length === 0) || (elapsed > 18_000 && stalls.length === 1)) stalls.push(stall());
      await sleep(100);
    }
    await Promise.all(stalls);

    const { value: drained, ms } = await waitUntil(
      () => storedTally(stack, run, acked),
      (t) => t.lost === 0,
      90_000,
      1000,
    );
    await sleep(5000);
    const final = await storedTally(stack, run, acked);
    const sqlDuplicates = await duplicatesBySql(stack, run);
    // The daily rollup is fed by a materialized view on otel_logs: a block dropped as a duplicate
    // must not reach it either, or usage reports would count the retry.
    const rolledUp = Number((await stack.query(`SELECT sum(Events) FROM telemetry.cli_usage_daily WHERE ServiceName = 'resilience-cli' FORMAT TabSeparated`)).trim());
    const log = readFileSync(logPath, 'utf8').slice(logStart);
    // A failed export the exporter will retry, whatever the driver's words for the timeout (an
    // insert in flight, or a connection it could not get from the stalled engine).
    const insertTimeouts = log.split('\n').filter((l) => l.includes('Exporting failed. Will retry the request')).length;

    console.log(
      `[retry duplicates] sent ${sent}, acknowledged ${acked.size}, stored ${final.distinct} distinct in ${final.rows} rows, ` +
        `duplicated ${final.duplicated} (SQL: ${sqlDuplicates}), lost ${final.lost}, counted by the daily rollup ${rolledUp}; inserts that timed out and were retried: ${insertTimeouts}; ` +
        `drained ${(ms / 1000).toFixed(1)} s after the last send`,
    );

    // The path under test must have been taken, or the figures prove nothing.
    expect(insertTimeouts).toBeGreaterThan(0);
    expect(acked.size).toBe(sent);
    expect(drained.lost).toBe(0);
    expect(final.duplicated).toBe(0);
    expect(sqlDuplicates).toBe(0);
    expect(rolledUp).toBe(acked.size);
  });
});
