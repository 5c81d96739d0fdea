import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunRecord, sendSequenced, startStack, storedTally, tag, waitUntil, type RunningStack } from './support.js';

const EVENTS = 2000;

describe('upgrade: up on an existing data dir after the stack file changed', () => {
  let stack: RunningStack;
  const runs: { tag: string; acked: Set<number> }[] = [];

  const sendAndWait = async () => {
    const t = tag('upg');
    const tally = await sendSequenced(stack.ports.http, t, EVENTS, { batch: 500 });
    runs.push({ tag: t, acked: tally.acked });
    const { value } = await waitUntil(
      () => storedTally(stack, t, tally.acked),
      (s) => s.lost === 0,
      60_000,
      500,
    );
    expect(value.lost).toBe(0);
  };

  /** Every run so far, exactly once each. */
  const everything = async () => {
    const out = [];
    for (const r of runs) out.push(await storedTally(stack, r.tag, r.acked));
    return out;
  };

  const edit = (from: RegExp, to: string) => {
    const text = readFileSync(stack.file, 'utf8');
    expect(text).toMatch(from);
    writeFileSync(stack.file, text.replace(from, to));
  };

  beforeAll(async () => {
    stack = await startStack('retention: 90d\ndelivery: {batchSize: 2000}');
    await stack.up();
  });

  afterAll(async () => {
    if (stack) await stack.down();
  });

  it('restarts only the Collector when its configuration changed, and keeps every stored event', { timeout: 180_000 }, async () => {
    await sendAndWait();
    const before = readRunRecord(stack.dataDir, 'collector').pid;

    edit(/retention: 90d\n/, 'retention: 30d\n');
    edit(/profiles: \[claude-code, cli-usage\]/, 'profiles: [cli-usage, generic]');
    edit(/delivery: \{batchSize: 2000\}/, 'delivery: {batchSize: 500}');
    const up = await stack.up();
    const after = readRunRecord(stack.dataDir, 'collector').pid;
    const config = readFileSync(`${stack.dataDir}/config/collector.yaml`, 'utf8');

    await sendAndWait();
    const tallies = await everything();
    console.log(
      `[upgrade, running stack] up after the edit: started ${JSON.stringify(up.started)}, already running ${JSON.stringify(up.alreadyRunning)}, collector pid ${before} -> ${after}; ` +
        `runs stored ${tallies.map((t) => `${t.distinct}/${EVENTS} (dup ${t.duplicated}, lost ${t.lost})`).join(', ')}`,
    );
    expect(up.started).toEqual(['collector']);
    expect(up.alreadyRunning).toEqual(['clickhouse']);
    expect(after).not.toBe(before);
    expect(config).toMatch(/ttl: 720h/);
    expect(config).toMatch(/min_size: 500/);
    for (const t of tallies) expect(t).toEqual({ rows: EVENTS, distinct: EVENTS, duplicated: 0, lost: 0 });
  });

  it('down, edit, up: both parts start on the existing data and everything is still there', { timeout: 180_000 }, async () => {
    const down = await stack.down();
    expect(down.exitCode).toBe(0);
    edit(/retention: 30d\n/, 'retention: 14d\n');
    edit(/profiles: \[cli-usage, generic\]/, 'profiles: [claude-code, cli-usage, generic]');
    const up = await stack.up();
    await sendAndWait();
    const tallies = await everything();
    const rollup = Number((await stack.query(`SELECT sum(Events) FROM telemetry.cli_usage_daily WHERE ServiceName = 'resilience-cli' FORMAT TabSeparated`)).trim());
    const ttl = /TTL (.*)/.exec(await stack.query('SHOW CREATE TABLE telemetry.otel_logs FORMAT TabSeparatedRaw'))?.[1] ?? '(none)';
    console.log(
      `[upgrade, after down] started ${JSON.stringify(up.started)}; runs stored ${tallies.map((t) => `${t.distinct}/${EVENTS} (dup ${t.duplicated}, lost ${t.lost})`).join(', ')}; ` +
        `daily rollup counts ${rollup}; otel_logs ${ttl} (stack file now says 14d)`,
    );
    expect(up.started).toEqual(['clickhouse', 'collector']);
    expect(tallies).toHaveLength(3);
    for (const t of tallies) expect(t).toEqual({ rows: EVENTS, distinct: EVENTS, duplicated: 0, lost: 0 });
    expect(rollup).toBe(EVENTS * tallies.length);
  });
});
