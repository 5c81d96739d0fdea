import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB } from './dataset.js';
import { startHarness, waitForCount, type Harness } from './harness.js';
import { CLAUDE_SCOPE, CLI_SCOPE, claudeEvent, command, DAY, dayOf, logsBody, metricsBody, post, type Attrs } from './otlp.js';

interface TableRows {
  table: string;
  rows: number;
  rebuilt?: number;
}
interface PurgeJson {
  matched: string[];
  dryRun: boolean;
  tables: TableRows[];
  total: number;
  remaining: number;
}
interface CleanupJson {
  cutoff: string;
  cutoffDay: string;
  dryRun: boolean;
  tables: TableRows[];
  total: number;
}
interface Answer {
  rows: Record<string, string | number | null>[];
}

const SCRIPTS = join(import.meta.dirname, '..', '..', 'scripts');
const SONNET = 'claude-sonnet-4-5';
const HAIKU = 'claude-haiku-4-5';
const request = (model: string, cost: number) => ({ model, cost_usd: cost, input_tokens: 100, output_tokens: 10, cache_read_tokens: 0, cache_creation_tokens: 0 });
const resource = (extra: Attrs = {}) => ({ 'service.name': 'claude-code', 'service.version': '2.1.197', ...extra });
const rows = (result: TableRows[]) => Object.fromEntries(result.map((t) => [t.table, t.rebuilt ? `${t.rows} (rebuilt ${t.rebuilt})` : t.rows]));

/** OTLP JSON values otlp.ts does not write (it sends scalars only): a user id as an array or a map. */
type OtlpValue = { stringValue: string } | { arrayValue: { values: OtlpValue[] } } | { kvlistValue: { values: { key: string; value: OtlpValue }[] } };
const text = (s: string): OtlpValue => ({ stringValue: s });
const array = (...items: string[]): OtlpValue => ({ arrayValue: { values: items.map(text) } });
const kvlist = (m: Record<string, string>): OtlpValue => ({ kvlistValue: { values: Object.entries(m).map(([key, v]) => ({ key, value: text(v) })) } });
interface Sent {
  attributes: { key: string; value: unknown }[];
}
interface LogsJson {
  resourceLogs: { scopeLogs: { logRecords: Sent[] }[] }[];
}
interface MetricsJson {
  resourceMetrics: { scopeMetrics: { metrics: { sum: { dataPoints: Sent[] } }[] }[] }[];
}

/** Gives the i-th record or data point the i-th attribute, in a body built by otlp.ts. */
function addAttributes(sent: Sent[], added: [string, OtlpValue][]): void {
  expect(added).toHaveLength(sent.length);
  for (const [i, s] of sent.entries()) s.attributes.push({ key: added[i]![0], value: added[i]![1] });
}

describe('purge --user removes every row of one person and none of anyone else', () => {
  let h: Harness;
  const now = Date.now();
  const T2 = now - 2 * DAY;
  const T1 = now - 10 * 60_000;
  const alice = { 'user.email': ALICE.email, 'user.id': ALICE.id };
  const bob = { 'user.id': BOB.id };
  // Carol and Dave send user.id as an array or a map; the Collector stores it flattened (user.id.0,
  // user.id.primary), each leaf hashed. With no plain user.id their cost falls into the team's group.
  const CAROL = 'u-carol';
  const DAVE = 'u-dave';

  /** Rows holding a stored id, per table, straight from the storage. */
  async function holding(stored: string): Promise<Record<string, number>> {
    const logs = `hasAny(['${stored}'], [LogAttributes['user.id'], LogAttributes['user.email'], LogAttributes['user.account_uuid']])`;
    const points = `hasAny(['${stored}'], [Attributes['user.id'], Attributes['user.email'], Attributes['user.account_uuid']])`;
    const [r] = await h.sql<Record<string, number>>(
      `SELECT (SELECT count() FROM otel_logs WHERE ${logs}) AS otel_logs, (SELECT count() FROM otel_metrics_sum WHERE ${points}) AS otel_metrics_sum, (SELECT count() FROM claude_code_cost_daily WHERE User = '${stored}') AS claude_code_cost_daily`,
    );
    return r!;
  }

  beforeAll(async () => {
    h = await startHarness();
    await post(
      h.stack.ports.http,
      '/v1/logs',
      logsBody([
        {
          resource: resource({ team: 'platform' }),
          scope: CLAUDE_SCOPE,
          records: [
            claudeEvent(T2, 'api_request', { ...alice, 'session.id': 'a1', ...request(SONNET, 0.5) }),
            claudeEvent(T1, 'api_request', { ...alice, 'session.id': 'a2', ...request(HAIKU, 0.2) }),
            claudeEvent(T1 + 1000, 'tool_result', { ...alice, 'session.id': 'a2', tool_name: 'Bash', success: true }),
            claudeEvent(T1 + 2000, 'user_prompt', { ...alice, 'session.id': 'a2', prompt_length: 5 }),
            // Alice again, known only by her account: her cost falls into the team's rollup group.
            claudeEvent(T2 + 1000, 'api_request', { 'user.account_uuid': 'acct-alice', 'session.id': 'a3', ...request(SONNET, 0.3) }),
          ],
        },
        {
          resource: resource(),
          scope: CLAUDE_SCOPE,
          records: [
            claudeEvent(T2 + 2000, 'api_request', { ...bob, 'session.id': 'b1', ...request(SONNET, 0.1) }),
            claudeEvent(T1 + 3000, 'api_error', { ...bob, 'session.id': 'b1', status_code: 429, error: 'Rate limited' }),
          ],
        },
        { resource: resource({ team: 'platform' }), scope: CLAUDE_SCOPE, records: [claudeEvent(T2 + 3000, 'api_request', { 'session.id': 'c1', ...request(SONNET, 0.05) })] },
        { resource: { 'service.name': 'tinycli', 'cli.fingerprint': 'fp-a' }, scope: CLI_SCOPE, records: [command(T2, 'deploy', 0), command(T1, 'deploy', 1)] },
      ]),
    );
    await post(
      h.stack.ports.http,
      '/v1/metrics',
      metricsBody(resource(), 'claude_code.cost.usage', [
        { timeMs: T2, value: 0.5, attrs: { ...alice, model: SONNET } },
        { timeMs: T1, value: 0.2, attrs: { ...alice, model: HAIKU } },
        { timeMs: T2, value: 0.1, attrs: { ...bob, model: SONNET } },
        { timeMs: T2, value: 0.05, attrs: { model: SONNET } },
      ]),
    );
    // One request per signal for Carol and Dave: one insert, so their shared rollup group is one row.
    const flatLogs = logsBody([
      {
        resource: resource({ team: 'research' }),
        scope: CLAUDE_SCOPE,
        records: [
          claudeEvent(T2 + 4000, 'api_request', { 'session.id': 'r1', ...request(SONNET, 0.4) }),
          claudeEvent(T1 + 4000, 'tool_result', { 'session.id': 'r1', tool_name: 'Bash', success: true }),
          claudeEvent(T2 + 5000, 'api_request', { 'session.id': 'r2', ...request(SONNET, 0.02) }),
        ],
      },
    ]) as LogsJson;
    addAttributes(flatLogs.resourceLogs[0]!.scopeLogs[0]!.logRecords, [
      ['user.id', array(CAROL, 'u-carol-alt')],
      ['user.id', kvlist({ primary: CAROL })],
      ['user.id', array(DAVE)],
    ]);
    await post(h.stack.ports.http, '/v1/logs', flatLogs);
    const flatPoints = metricsBody(resource({ team: 'research' }), 'claude_code.cost.usage', [
      { timeMs: T2, value: 0.4, attrs: { model: SONNET } },
      { timeMs: T2, value: 0.02, attrs: { model: SONNET } },
    ]) as MetricsJson;
    addAttributes(flatPoints.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.sum.dataPoints, [
      ['user.id', array(CAROL)],
      ['user.id', array(DAVE)],
    ]);
    await post(h.stack.ports.http, '/v1/metrics', flatPoints);
    expect(await waitForCount(h, 'SELECT count() AS n FROM otel_logs', 13)).toBe(13);
    expect(await waitForCount(h, 'SELECT count() AS n FROM otel_metrics_sum', 6)).toBe(6);
  });

  afterAll(async () => {
    await h?.down();
  });

  /** Rows holding a stored id under any attribute key, per table, straight from the storage. */
  async function holdingAnywhere(stored: string): Promise<Record<string, number>> {
    const [r] = await h.sql<Record<string, number>>(
      `SELECT (SELECT count() FROM otel_logs WHERE has(mapValues(LogAttributes), '${stored}')) AS otel_logs, (SELECT count() FROM otel_metrics_sum WHERE has(mapValues(Attributes), '${stored}')) AS otel_metrics_sum`,
    );
    return r!;
  }

  it('a dry run counts and deletes nothing', async () => {
    const dry = await h.json<PurgeJson>(['purge', '--user', BOB.id, '--dry-run']);
    expect(dry.dryRun).toBe(true);
    expect(rows(dry.tables)).toEqual({
      otel_logs: 2,
      otel_metrics_sum: 1,
      otel_metrics_gauge: 0,
      otel_metrics_histogram: 0,
      otel_metrics_exponential_histogram: 0,
      otel_metrics_summary: 0,
      claude_code_cost_daily: 1,
      cli_usage_daily: 0,
    });
    expect(await holding(h.hmac(BOB.id))).toEqual({ otel_logs: 2, otel_metrics_sum: 1, claude_code_cost_daily: 1 });
  });

  it('by email: her events, metric points and rollup rows go; everyone else is untouched', async () => {
    const stored = h.hmac(ALICE.email);
    expect(await holding(stored)).toEqual({ otel_logs: 4, otel_metrics_sum: 2, claude_code_cost_daily: 2 });
    const bobBefore = await holding(h.hmac(BOB.id));
    const totalBefore = (await h.sql<{ logs: number; points: number }>('SELECT (SELECT count() FROM otel_logs) AS logs, (SELECT count() FROM otel_metrics_sum) AS points'))[0]!;

    const result = await h.json<PurgeJson>(['purge', '--user', ALICE.email]);
    expect(result.matched).toEqual([ALICE.email, stored]);
    expect(rows(result.tables)).toEqual({
      otel_logs: 4,
      otel_metrics_sum: 2,
      otel_metrics_gauge: 0,
      otel_metrics_histogram: 0,
      otel_metrics_exponential_histogram: 0,
      otel_metrics_summary: 0,
      claude_code_cost_daily: 2,
      cli_usage_daily: 0,
    });
    expect(result.total).toBe(8);
    expect(result.remaining).toBe(0);

    expect(await holding(stored)).toEqual({ otel_logs: 0, otel_metrics_sum: 0, claude_code_cost_daily: 0 });
    // Her user.id was on the same events: gone with them.
    expect(await holding(h.hmac(ALICE.id))).toEqual({ otel_logs: 0, otel_metrics_sum: 0, claude_code_cost_daily: 0 });
    expect(await holding(h.hmac(BOB.id))).toEqual(bobBefore);
    const totalAfter = (await h.sql<{ logs: number; points: number }>('SELECT (SELECT count() FROM otel_logs) AS logs, (SELECT count() FROM otel_metrics_sum) AS points'))[0]!;
    expect(totalAfter).toEqual({ logs: totalBefore.logs - 4, points: totalBefore.points - 2 });

    const cost = await h.json<Answer>(['query', 'cost', '--since', '7d']);
    expect(cost.rows.map((r) => [r['day'], r['user'], r['model'], r['requests'], r['cost_usd']])).toEqual([
      [dayOf(T2), 'research', SONNET, 2, 0.42],
      [dayOf(T2), 'platform', SONNET, 2, 0.35],
      [dayOf(T2), h.hmac(BOB.id), SONNET, 1, 0.1],
    ]);
  });

  it("by account: a shared rollup group loses her share and keeps everyone else's", async () => {
    const result = await h.json<PurgeJson>(['purge', '--user', 'acct-alice']);
    expect(rows(result.tables)).toEqual({
      otel_logs: 1,
      otel_metrics_sum: 0,
      otel_metrics_gauge: 0,
      otel_metrics_histogram: 0,
      otel_metrics_exponential_histogram: 0,
      otel_metrics_summary: 0,
      claude_code_cost_daily: '1 (rebuilt 1)',
      cli_usage_daily: 0,
    });
    const expected = [
      [dayOf(T2), 'research', SONNET, 2, 0.42],
      [dayOf(T2), h.hmac(BOB.id), SONNET, 1, 0.1],
      [dayOf(T2), 'platform', SONNET, 1, 0.05],
    ];
    const pick = (a: Answer) => a.rows.map((r) => [r['day'], r['user'], r['model'], r['requests'], r['cost_usd']]);
    expect(pick(await h.json<Answer>(['query', 'cost', '--since', '7d']))).toEqual(expected);
    expect(pick(await h.json<Answer>(['query', 'cost', '--since', '7d', '--raw']))).toEqual(expected);
    expect((await h.json<Answer>(['usage', 'top', '--since', '7d'])).rows).toEqual([{ service: 'tinycli', verb: 'deploy', events: 2, users: 1, failures: 1, failure_rate: 0.5 }]);
  });

  it('prints the rows removed per table', async () => {
    const text = await h.cli(['purge', '--user', BOB.id]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^ {2}otel_logs +removed 2 rows$/m);
    expect(text.stdout).toMatch(/^ {2}otel_metrics_sum +removed 1 row$/m);
    expect(text.stdout).toMatch(/^ {2}claude_code_cost_daily +removed 1 row$/m);
    expect(text.stdout).toMatch(/^purge: removed 4 rows in total$/m);
    expect(await holding(h.hmac(BOB.id))).toEqual({ otel_logs: 0, otel_metrics_sum: 0, claude_code_cost_daily: 0 });
  });

  it("by an id sent as an array or a map: every row holding it under a flattened key goes; Dave's stay", async () => {
    const stored = h.hmac(CAROL);
    // As stored: only under flattened keys, so a match on user.id itself would find none of it.
    const [keys] = await h.sql<{ keys: string[] }>(`SELECT arraySort(groupArray(k)) AS keys FROM otel_logs ARRAY JOIN mapKeys(mapFilter((k, v) -> v = '${stored}', LogAttributes)) AS k`);
    expect(keys!.keys).toEqual(['user.id.0', 'user.id.primary']);
    expect(await holdingAnywhere(stored)).toEqual({ otel_logs: 2, otel_metrics_sum: 1 });
    expect(await holdingAnywhere(h.hmac(DAVE))).toEqual({ otel_logs: 1, otel_metrics_sum: 1 });

    const result = await h.json<PurgeJson>(['purge', '--user', CAROL]);
    expect(result.matched).toEqual([CAROL, stored]);
    expect(rows(result.tables)).toEqual({
      otel_logs: 2,
      otel_metrics_sum: 1,
      otel_metrics_gauge: 0,
      otel_metrics_histogram: 0,
      otel_metrics_exponential_histogram: 0,
      otel_metrics_summary: 0,
      claude_code_cost_daily: '1 (rebuilt 1)',
      cli_usage_daily: 0,
    });
    expect(result.remaining).toBe(0);

    expect(await holdingAnywhere(stored)).toEqual({ otel_logs: 0, otel_metrics_sum: 0 });
    // The other element of her array was on the same event: gone with it.
    expect(await holdingAnywhere(h.hmac('u-carol-alt'))).toEqual({ otel_logs: 0, otel_metrics_sum: 0 });
    expect(await holdingAnywhere(h.hmac(DAVE))).toEqual({ otel_logs: 1, otel_metrics_sum: 1 });
    // The team's group she shared with Dave is rebuilt from his event alone.
    const expected = [
      [dayOf(T2), 'platform', SONNET, 1, 0.05],
      [dayOf(T2), 'research', SONNET, 1, 0.02],
    ];
    const pick = (a: Answer) => a.rows.map((r) => [r['day'], r['user'], r['model'], r['requests'], r['cost_usd']]);
    expect(pick(await h.json<Answer>(['query', 'cost', '--since', '7d']))).toEqual(expected);
    expect(pick(await h.json<Answer>(['query', 'cost', '--since', '7d', '--raw']))).toEqual(expected);
  });
});

describe('cleanup --older-than removes only data older than the cutoff', () => {
  let h: Harness;
  const now = Date.now();
  const OLD1 = now - 40 * DAY;
  const OLD2 = now - 35 * DAY;
  const NEW1 = now - 2 * DAY;
  const NEW2 = now - 10 * 60_000;

  beforeAll(async () => {
    h = await startHarness();
    // One request per signal: one insert each, so each rollup group is one row.
    await post(
      h.stack.ports.http,
      '/v1/logs',
      logsBody([
        {
          resource: { 'service.name': 'tinycli', 'cli.fingerprint': 'fp-a' },
          scope: CLI_SCOPE,
          records: [
            command(OLD1, 'deploy', 0),
            command(OLD1 + 1000, 'deploy', 1),
            command(OLD2, 'status', 0),
            command(NEW1, 'deploy', 0),
            command(NEW2, 'status', 0),
            command(NEW2 + 1000, 'status', 0),
          ],
        },
        {
          resource: resource(),
          scope: CLAUDE_SCOPE,
          records: [
            claudeEvent(OLD1, 'api_request', { 'user.id': 'uid-old', ...request(SONNET, 1) }),
            claudeEvent(OLD2, 'api_request', { 'user.id': 'uid-old', ...request(HAIKU, 2) }),
            claudeEvent(NEW1, 'api_request', { 'user.id': 'uid-new', ...request(SONNET, 3) }),
            claudeEvent(NEW2, 'api_request', { 'user.id': 'uid-new', ...request(HAIKU, 4) }),
          ],
        },
      ]),
    );
    await post(
      h.stack.ports.http,
      '/v1/metrics',
      metricsBody(
        resource(),
        'claude_code.cost.usage',
        [OLD1, OLD2, NEW1, NEW2].map((t, i) => ({ timeMs: t, value: i + 1, attrs: { model: SONNET } })),
      ),
    );
    expect(await waitForCount(h, 'SELECT count() AS n FROM otel_logs', 10)).toBe(10);
    expect(await waitForCount(h, 'SELECT count() AS n FROM otel_metrics_sum', 4)).toBe(4);
  });

  afterAll(async () => {
    await h?.down();
  });

  const expected = {
    otel_logs: 5,
    otel_metrics_sum: 2,
    otel_metrics_gauge: 0,
    otel_metrics_histogram: 0,
    otel_metrics_exponential_histogram: 0,
    otel_metrics_summary: 0,
    cli_usage_daily: 2,
    claude_code_cost_daily: 2,
  };

  it('a dry run (through scripts/cleanup.sh) counts and deletes nothing', async () => {
    const r = await execa(join(SCRIPTS, 'cleanup.sh'), ['--older-than', '30d', '--dry-run', '--json', '--file', h.stack.file], { reject: false, timeout: 120_000 });
    expect(r.exitCode).toBe(0);
    const dry = JSON.parse(r.stdout) as CleanupJson;
    expect(dry.dryRun).toBe(true);
    expect(rows(dry.tables)).toEqual(expected);
    expect(Number((await h.sql<{ n: number }>('SELECT count() AS n FROM otel_logs'))[0]!.n)).toBe(10);
  });

  it('removes the old days from events, metrics and rollups, and prints the rows removed', async () => {
    const result = await h.json<CleanupJson>(['cleanup', '--older-than', '30d']);
    expect(rows(result.tables)).toEqual(expected);
    expect(result.total).toBe(11);
    expect(result.cutoffDay).toBe(dayOf(now - 30 * DAY));
    expect(result.cutoff).toBe(`${dayOf(now - 30 * DAY)} 00:00:00`);

    const [left] = await h.sql<Record<string, number>>(
      `SELECT (SELECT count() FROM otel_logs) AS logs, (SELECT min(Timestamp) >= toDateTime64('${dayOf(now - 30 * DAY)}', 9) FROM otel_logs) AS logs_new, (SELECT count() FROM otel_metrics_sum) AS points,
              (SELECT count() FROM cli_usage_daily WHERE Day < '${dayOf(now - 30 * DAY)}') AS old_usage, (SELECT count() FROM claude_code_cost_daily WHERE Day < '${dayOf(now - 30 * DAY)}') AS old_cost`,
    );
    expect(left).toEqual({ logs: 5, logs_new: 1, points: 2, old_usage: 0, old_cost: 0 });
    expect((await h.json<Answer>(['usage', 'top', '--since', '60d'])).rows).toEqual([
      { service: 'tinycli', verb: 'status', events: 2, users: 1, failures: 0, failure_rate: 0 },
      { service: 'tinycli', verb: 'deploy', events: 1, users: 1, failures: 0, failure_rate: 0 },
    ]);
    expect((await h.json<Answer>(['query', 'cost', '--since', '60d'])).rows.map((r) => [r['day'], r['cost_usd']])).toEqual([
      [dayOf(NEW1), 3],
      [dayOf(NEW2), 4],
    ]);

    const again = await h.cli(['cleanup', '--older-than', '30d']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/^ {2}otel_logs +removed 0 rows$/m);
    expect(again.stdout).toMatch(/^cleanup: removed 0 rows in total$/m);
  });
});
