import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

/** A retention changed in the stack file reaches tables that already exist. */
describe('retention follows the stack file', () => {
  let stack: TestStack;
  const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir });
  const ttlOf = async (table: string) => {
    const password = readFileSync(join(stack.dataDir, 'secrets', 'clickhouse-password'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${stack.ports.storage}/`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`telemetry_writer:${password}`).toString('base64')}` },
      body: `SHOW CREATE TABLE telemetry.${table} FORMAT TabSeparatedRaw`,
    });
    return /TTL ([^\n]+)/.exec(await res.text())?.[1]?.trim();
  };

  beforeAll(async () => {
    await testCollectorBinary();
    stack = await writeTestStack('retention: 90d\n');
  });
  afterAll(async () => {
    if (stack) await cli(['down']);
  });

  it('up sets 90 days, and after the file says 14d the next up changes every table', async () => {
    expect((await cli(['up'])).exitCode).toBe(0);
    expect(await ttlOf('otel_logs')).toBe('toDateTime(Timestamp) + toIntervalDay(90)');
    expect(await ttlOf('cli_usage_daily')).toBe('Day + toIntervalDay(90)');

    writeFileSync(stack.file, readFileSync(stack.file, 'utf8').replace('retention: 90d', 'retention: 14d'));
    const up = await cli(['up']);
    expect(up.exitCode).toBe(0);
    expect(up.stderr).toMatch(/retention 14d applied to otel_logs, .*cli_usage_daily/);
    expect(await ttlOf('otel_logs')).toBe('toDateTime(Timestamp) + toIntervalDay(14)');
    expect(await ttlOf('otel_metrics_sum')).toBe('toDateTime(TimeUnix) + toIntervalDay(14)');
    expect(await ttlOf('cli_usage_daily')).toBe('Day + toIntervalDay(14)');

    const again = await cli(['up']);
    expect(again.stderr).not.toContain('retention 14d applied');
  });
});
