import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsageTelemetry } from '../../cli/client/index.js';
import { STACK_TRACE } from '../support/cli.js';
import { cliUsage } from './dataset.js';
import { startHarness, type Harness } from './harness.js';
import { DAY, logsBody, post } from './otlp.js';

interface Answer {
  rows: Record<string, string | number | null>[];
}

/** The Loki binary scripts/provision/loki.sh builds (cached; built from Go modules when missing). */
async function lokiBinary(): Promise<string> {
  const r = await execa('bash', [join(import.meta.dirname, '..', '..', 'scripts', 'provision', 'loki.sh')], { reject: false, timeout: 1_500_000 });
  if (r.exitCode !== 0) throw new Error(`scripts/provision/loki.sh failed: ${r.stderr.trim().split('\n').pop()}`);
  return r.stdout.trim();
}

describe('usage top and --logql on Loki (real Collector, real Loki)', () => {
  let h: Harness;
  const now = Date.now();
  const at = { T0: now - 10 * DAY, T3: now - 50 * 60_000, T2: now - 40 * 60_000, T1: now - 15 * 60_000 };

  beforeAll(async () => {
    h = await startHarness(`binaries: {loki: ${await lokiBinary()}}`, 'loki');
    // The same events as the ClickHouse test, moved into the last hour and without T0: Loki takes
    // an entry at most an hour behind its stream's newest (max_chunk_age / 2), and reads only
    // ingesters for the last 3 hours, so a backfill of older days is not visible until flushed.
    const groups = cliUsage(now, at).map((g) => ({ ...g, records: g.records.filter((r) => r.timeMs > now - DAY) }));
    await post(h.stack.ports.http, '/v1/logs', logsBody(groups));
    const home = mkdtempSync(join(tmpdir(), 'ts-query-client-'));
    const client = createUsageTelemetry({
      service: 'tinycli',
      version: '1.2.0',
      endpoint: `http://127.0.0.1:${h.stack.ports.http}`,
      timeoutMs: 10_000,
      env: { PATH: process.env.PATH, HOME: join(home, 'home'), XDG_CONFIG_HOME: join(home, 'config') },
    });
    expect(await client.track('deploy', { exit: 0 })).toBe('sent');
    expect(await client.track('status', { exit: 0 })).toBe('sent');
    const expected = groups.reduce((a, g) => a + g.records.length, 0) + 2;
    const deadline = Date.now() + 60_000;
    let stored = 0;
    while (Date.now() < deadline) {
      const r = await h.json<Answer>(['query', '--logql', 'sum(count_over_time({service_name=~".+"} [8d]))']);
      stored = Number(r.rows[0]?.['value'] ?? 0);
      if (stored >= expected) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(stored).toBe(expected);
  }, 1_800_000);

  afterAll(async () => {
    await h?.down();
  });

  it('usage top answers exactly what the ClickHouse template answers for the same events', async () => {
    const top = await h.json<Answer & { backend: string; template: string }>(['usage', 'top', '--since', '7d']);
    expect([top.backend, top.template]).toEqual(['loki', 'usage-top']);
    expect(top.rows).toEqual([
      { service: 'tinycli', verb: 'deploy', events: 6, users: 3, failures: 2, failure_rate: 0.3333 },
      { service: 'tinycli', verb: 'status', events: 4, users: 3, failures: 0, failure_rate: 0 },
      { service: 'tinycli', verb: 'login', events: 2, users: 2, failures: 1, failure_rate: 0.5 },
      { service: 'othercli', verb: 'deploy', events: 1, users: 1, failures: 0, failure_rate: 0 },
    ]);
    expect((await h.json<Answer>(['usage', 'top', '--since', '7d', '--service', 'othercli'])).rows).toEqual([
      { service: 'othercli', verb: 'deploy', events: 1, users: 1, failures: 0, failure_rate: 0 },
    ]);
    const sinceT1 = new Date(at.T1 - 60_000).toISOString();
    expect((await h.json<Answer>(['usage', 'top', '--since', sinceT1])).rows).toEqual([
      { service: 'tinycli', verb: 'login', events: 2, users: 2, failures: 1, failure_rate: 0.5 },
      { service: 'tinycli', verb: 'status', events: 2, users: 2, failures: 0, failure_rate: 0 },
      { service: 'tinycli', verb: 'deploy', events: 1, users: 1, failures: 0, failure_rate: 0 },
    ]);
  });

  it('query --logql: log lines in the range, or a metric at its end', async () => {
    const lines = await h.json<Answer>(['query', '--logql', '{service_name="othercli"}', '--since', '7d']);
    expect(lines.rows.map((r) => [r['service_name'], r['cli_verb'], r['cli_exit_code'], r['event_name']])).toEqual([['othercli', 'deploy', '0', 'cli.command']]);
    const metric = await h.json<Answer>(['query', '--logql', 'sum(count_over_time({service_name="tinycli"} | event_name="cli.command" [7d]))']);
    expect(metric.rows).toEqual([{ value: 12 }]);
    const bad = await h.cli(['query', '--logql', 'sum(']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^telemetry-stack: Loki on 127\.0\.0\.1:\d+ refused the query \(HTTP 400\): parse error/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('what LogQL cannot answer here says so in one line', async () => {
    for (const [args, message] of [
      [['query', 'cost'], /cost: not available on backend loki/],
      [['query', '--sql', 'SELECT 1'], /--sql needs backend embedded or clickhouse/],
      [['usage', 'top', '--raw'], /--raw does not apply here/],
      [['cleanup', '--older-than', '30d'], /backend loki deletes old data itself/],
      [['purge', '--user', 'someone@example.com'], /purge: backend loki is not supported/],
      [['report', 'month', '2025-01'], /report month: needs backend embedded or clickhouse/],
    ] as const) {
      const r = await h.cli([...args]);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
  });
});
