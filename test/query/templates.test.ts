import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsageTelemetry } from '@telemetry-stack/client';
import { STACK_TRACE } from '../support/cli.js';
import { ALICE, BOB, claudeCode, cliUsage, MODELS, recordCount, times } from './dataset.js';
import { startHarness, waitForCount, type Harness } from './harness.js';
import { dayOf, logsBody, post } from './otlp.js';

interface Answer {
  columns: { name: string }[];
  rows: Record<string, string | number | null>[];
}
interface Sections {
  sections: Record<string, Answer>;
}

describe('query templates against events that came through the real Collector (embedded engine)', () => {
  let h: Harness;
  const now = Date.now();
  const { T3, T2, T1 } = times(now);
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    h = await startHarness();
    alice = h.hmac(ALICE.email);
    bob = h.hmac(BOB.id);
    const groups = [...cliUsage(now), ...claudeCode(now)];
    await post(h.stack.ports.http, '/v1/logs', logsBody(groups));
    // Two more commands from the real client library (http/protobuf, a random install fingerprint).
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
    const expected = recordCount(groups) + 2;
    expect(await waitForCount(h, 'SELECT count() AS n FROM otel_logs', expected)).toBe(expected);
  });

  afterAll(async () => {
    await h?.down();
  });

  it('usage top: verbs by events, distinct installs and failures, exactly', async () => {
    const top = await h.json<Answer>(['usage', 'top', '--since', '7d']);
    expect(top.columns.map((c) => c.name)).toEqual(['service', 'verb', 'events', 'users', 'failures', 'failure_rate']);
    expect(top.rows).toEqual([
      { service: 'tinycli', verb: 'deploy', events: 6, users: 3, failures: 2, failure_rate: 0.3333 },
      { service: 'tinycli', verb: 'status', events: 4, users: 3, failures: 0, failure_rate: 0 },
      { service: 'tinycli', verb: 'login', events: 2, users: 2, failures: 1, failure_rate: 0.5 },
      { service: 'othercli', verb: 'deploy', events: 1, users: 1, failures: 0, failure_rate: 0 },
    ]);
    // The rollups answer the whole days, raw events the rest; read raw only, the answer is the same.
    expect((await h.json<Answer>(['usage', 'top', '--since', '7d', '--raw'])).rows).toEqual(top.rows);
  });

  it('usage top: --service, --limit and a range that leaves out the older days', async () => {
    expect((await h.json<Answer>(['usage', 'top', '--since', '7d', '--service', 'othercli'])).rows).toEqual([
      { service: 'othercli', verb: 'deploy', events: 1, users: 1, failures: 0, failure_rate: 0 },
    ]);
    expect((await h.json<Answer>(['usage', 'top', '--since', '7d', '--limit', '2'])).rows.map((r) => r['verb'])).toEqual(['deploy', 'status']);
    expect((await h.json<Answer>(['usage', 'top', '--since', '24h'])).rows).toEqual([
      { service: 'tinycli', verb: 'login', events: 2, users: 2, failures: 1, failure_rate: 0.5 },
      { service: 'tinycli', verb: 'status', events: 2, users: 2, failures: 0, failure_rate: 0 },
      { service: 'tinycli', verb: 'deploy', events: 1, users: 1, failures: 0, failure_rate: 0 },
    ]);
  });

  it('usage top: a table with unicode bars that fits the terminal width, and CSV', async () => {
    const table = await h.cli(['usage', 'top', '--since', '7d'], { COLUMNS: '72' });
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines.every((l) => [...l].length <= 72)).toBe(true);
    const deploy = lines.find((l) => l.startsWith('tinycli   deploy'))!;
    const login = lines.find((l) => l.startsWith('tinycli   login'))!;
    expect(deploy).toMatch(/█+$/);
    // login (2 events) gets a third of deploy's (6) bar.
    const barLength = (l: string) => [...l.replace(/^.*?\s([█▉▊▋▌▍▎▏]+)$/, '$1')].length;
    expect(barLength(login)).toBe(Math.round(barLength(deploy) / 3));
    const csv = await h.cli(['usage', 'top', '--since', '7d', '--csv']);
    expect(csv.stdout.split('\r\n').slice(0, 2)).toEqual(['service,verb,events,users,failures,failure_rate', 'tinycli,deploy,6,3,2,0.3333']);
  });

  it('query cost: cost and tokens per day, user and model (email, else id, else team)', async () => {
    const cost = await h.json<Answer>(['query', 'cost', '--since', '7d']);
    const row = (day: number, user: string, model: string, requests: number, cost_usd: number, i: number, o: number, cr: number, cc: number) => ({
      day: dayOf(day),
      user,
      model,
      requests,
      cost_usd,
      input_tokens: i,
      output_tokens: o,
      cache_read_tokens: cr,
      cache_creation_tokens: cc,
    });
    const expected = [
      row(T3, alice, MODELS.OPUS, 1, 1.5, 500, 800, 0, 100),
      row(T3, 'platform', MODELS.HAIKU, 1, 0.03, 200, 60, 0, 0),
      row(T2, alice, MODELS.SONNET, 1, 0.25, 1000, 500, 3000, 200),
      row(T2, bob, MODELS.SONNET, 1, 0.1, 300, 100, 600, 0),
      row(T1, alice, MODELS.SONNET, 1, 0.75, 2000, 1500, 1000, 0),
      row(T1, bob, MODELS.HAIKU, 1, 0.02, 100, 50, 0, 0),
    ];
    expect(cost.rows).toEqual(expected);
    expect((await h.json<Answer>(['query', 'cost', '--since', '7d', '--raw'])).rows).toEqual(expected);
    // --user takes the address as typed (hashed the way the stack stores it) or the stored value.
    const aliceRows = expected.filter((r) => r.user === alice);
    expect((await h.json<Answer>(['query', 'cost', '--since', '7d', '--user', ALICE.email])).rows).toEqual(aliceRows);
    expect((await h.json<Answer>(['query', 'cost', '--since', '7d', '--user', alice])).rows).toEqual(aliceRows);
    expect((await h.json<Answer>(['query', 'cost', '--since', '7d', '--user', BOB.id, '--model', MODELS.HAIKU])).rows).toEqual([expected[5]]);
    // Another resource attribute names the user without an identity; the rollup cannot answer that.
    const byDepartment = await h.json<Answer>(['query', 'cost', '--since', '7d', '--user-attribute', 'department']);
    expect(byDepartment.rows).toEqual(expected.map((r) => (r.user === 'platform' ? { ...r, user: 'research' } : r)));
  });

  it('query tokens: output/input and cache hit ratios per model', async () => {
    const tokens = await h.json<Answer>(['query', 'tokens', '--since', '7d']);
    const expected = [
      { model: MODELS.SONNET, requests: 3, input_tokens: 3300, output_tokens: 2100, cache_read_tokens: 4600, cache_creation_tokens: 200, output_input_ratio: 0.6364, cache_hit_ratio: 0.5679 },
      { model: MODELS.HAIKU, requests: 2, input_tokens: 300, output_tokens: 110, cache_read_tokens: 0, cache_creation_tokens: 0, output_input_ratio: 0.3667, cache_hit_ratio: 0 },
      { model: MODELS.OPUS, requests: 1, input_tokens: 500, output_tokens: 800, cache_read_tokens: 0, cache_creation_tokens: 100, output_input_ratio: 1.6, cache_hit_ratio: 0 },
    ];
    expect(tokens.rows).toEqual(expected);
    expect((await h.json<Answer>(['query', 'tokens', '--since', '7d', '--raw'])).rows).toEqual(expected);
    expect((await h.json<Answer>(['query', 'tokens', '--since', '7d', '--user', ALICE.email])).rows.map((r) => [r['model'], r['requests'], r['output_tokens']])).toEqual([
      [MODELS.SONNET, 2, 2000],
      [MODELS.OPUS, 1, 800],
    ]);
  });

  it('query errors: API errors over time, failing tools, failing verbs', async () => {
    const errors = await h.json<Sections>(['query', 'errors', '--since', '7d']);
    const day = (t: number) => `${dayOf(t)} 00:00:00`;
    // Each error counts in the period of its own time: the 529 at T1 + 20 s and the 429 at T1 + 120 s
    // share a day or an hour unless a boundary passes between them; rows come as the template orders them.
    const ordered = (rows: Record<string, unknown>[]) =>
      rows.sort((a, b) => String(a['period']).localeCompare(String(b['period'])) || String(a['status_code']).localeCompare(String(b['status_code'])));
    const [overloadedAt, rateLimitedAt] = [T1 + 20_000, T1 + 120_000];
    expect(errors.sections['api']!.rows).toEqual(
      ordered([
        { period: day(T3), status_code: '500', error: 'Internal server error', errors: 1 },
        { period: day(T2), status_code: '529', error: 'Overloaded', errors: 1 },
        { period: day(rateLimitedAt), status_code: '429', error: 'Rate limited', errors: 1 },
        { period: day(overloadedAt), status_code: '529', error: 'Overloaded', errors: 1 },
      ]),
    );
    expect(errors.sections['tools']!.rows).toEqual([
      { tool: 'Bash', calls: 5, failures: 2, failure_rate: 0.4, top_error_type: 'exit_code' },
      { tool: 'Edit', calls: 1, failures: 1, failure_rate: 1, top_error_type: 'file_not_found' },
    ]);
    expect(errors.sections['verbs']!.rows).toEqual([
      { service: 'tinycli', verb: 'deploy', failures: 2, events: 6, failure_rate: 0.3333 },
      { service: 'tinycli', verb: 'login', failures: 1, events: 2, failure_rate: 0.5 },
    ]);
    // A day or less is shown by the hour.
    const hour = (t: number) => new Date(Math.floor(t / 3_600_000) * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
    const lastDay = await h.json<Answer>(['query', 'errors', '--since', '24h', '--only', 'api']);
    expect(lastDay.rows).toEqual(
      ordered([
        { period: hour(rateLimitedAt), status_code: '429', error: 'Rate limited', errors: 1 },
        { period: hour(overloadedAt), status_code: '529', error: 'Overloaded', errors: 1 },
      ]),
    );
    expect((await h.json<Answer>(['query', 'errors', '--since', '7d', '--only', 'api', '--model', MODELS.SONNET])).rows.map((r) => r['errors'])).toEqual([1, 1]);
  });

  it('query sessions: newest first, with what each used', async () => {
    const sessions = await h.json<Answer>(['query', 'sessions', '--since', '7d']);
    expect(sessions.rows.map((r) => r['session'])).toEqual(['b2', 'a3', 'b1', 'a2', 'c1', 'a1']);
    const a3 = sessions.rows.find((r) => r['session'] === 'a3')!;
    expect({ ...a3, started: undefined, ended: undefined }).toEqual({
      session: 'a3',
      user: alice,
      started: undefined,
      ended: undefined,
      minutes: 1.5,
      prompts: 2,
      api_requests: 1,
      cost_usd: 0.75,
      tokens: 3500,
      tool_calls: 4,
      tool_failures: 2,
      api_errors: 1,
      models: MODELS.SONNET,
    });
    expect(a3['started']).toBe(new Date(Math.floor(T1 / 1000) * 1000).toISOString().replace('T', ' ').slice(0, 19));
    const b2 = sessions.rows.find((r) => r['session'] === 'b2')!;
    expect([b2['user'], b2['minutes'], b2['prompts'], b2['api_requests'], b2['cost_usd'], b2['tokens'], b2['tool_calls'], b2['tool_failures'], b2['api_errors'], b2['models']]).toEqual([
      bob,
      0.5,
      1,
      1,
      0.02,
      150,
      1,
      0,
      1,
      MODELS.HAIKU,
    ]);
    expect((await h.json<Answer>(['query', 'sessions', '--since', '7d', '--user', ALICE.email])).rows.map((r) => r['session'])).toEqual(['a3', 'a2', 'a1']);
    expect((await h.json<Answer>(['query', 'sessions', '--since', '7d', '--user', 'platform'])).rows.map((r) => r['session'])).toEqual(['c1']);
  });

  it('query --sql runs one read-only statement; anything else is refused in one line', async () => {
    const counted = await h.json<Answer>(['query', '--sql', "SELECT count() AS n FROM otel_logs WHERE ServiceName = 'tinycli' AND EventName = 'cli.command'"]);
    expect(counted.rows).toEqual([{ n: 13 }]);
    for (const [sql, message] of [
      ['DROP TABLE otel_logs', /only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN statements run here, not DROP/],
      ['INSERT INTO otel_logs (Body) VALUES (1)', /not INSERT/],
      ['SELECT 1; DROP TABLE otel_logs', /one statement at a time/],
      ["SELECT * FROM file('/etc/passwd')", /file\(\) reads outside the stack's storage/],
      ["SELECT 1 INTO OUTFILE '/tmp/x'", /INTO OUTFILE writes a file/],
      ['SELECT nosuch FROM otel_logs', /Unknown expression identifier/],
    ] as const) {
      const r = await h.cli(['query', '--sql', sql]);
      expect(r.exitCode, sql).toBe(1);
      expect(r.stderr, sql).toMatch(message);
      expect(r.stderr.trim().split('\n'), sql).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
    expect(Number((await h.sql<{ n: number }>('SELECT count() AS n FROM otel_logs'))[0]!.n)).toBeGreaterThan(0);
  });

  it('query --sql reads as the read-only user: the engine itself refuses filesystem() on the secrets, and readonly is not 0', async () => {
    const secretsDir = join(h.stack.dataDir, 'secrets');
    // filesystem() is not on the CLI's own list, so this reaches the engine: the refusal is its grants'.
    const r = await h.cli(['query', '--sql', `SELECT name, content FROM filesystem('${secretsDir}')`]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/READ ON FILE/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    for (const f of ['clickhouse-password', 'clickhouse-reader-password', 'hmac-key']) {
      expect(r.stdout + r.stderr, f).not.toContain(readFileSync(join(secretsDir, f), 'utf8').trim());
    }
    const ro = await h.json<Answer>(['query', '--sql', "SELECT getSetting('readonly') AS ro, currentUser() AS user"]);
    expect(Number(ro.rows[0]!['ro'])).not.toBe(0);
    expect(ro.rows[0]!['user']).toBe('telemetry_reader');
    const lifted = await h.cli(['query', '--sql', "SELECT getSetting('readonly') AS ro SETTINGS readonly = 0"]);
    expect(lifted.exitCode).toBe(1);
    expect(lifted.stderr).toMatch(/readonly/i);
  });

  it('the storage refuses writes from the query client (the read-only user), whatever passes the first check', async () => {
    const [{ loadStackFile }, { resolveStack }, { openClickHouse }, { readClickHouseReaderPassword }] = await Promise.all([
      import('../../cli/stack/load.js'),
      import('../../cli/stack/resolve.js'),
      import('../../cli/storage/clickhouse.js'),
      import('../../cli/home/secrets.js'),
    ]);
    const stack = resolveStack(loadStackFile(h.stack.file, process.env).stack, h.stack.file, process.env);
    const client = openClickHouse(stack, readClickHouseReaderPassword(stack, process.env), { role: 'reader' });
    try {
      await expect(client.command({ query: 'CREATE TABLE readonly_probe (x UInt8) ENGINE = Memory' })).rejects.toThrow(/readonly/i);
    } finally {
      await client.close();
    }
  });

  it('bad input gets one line naming the option and the fix, never a stack trace', async () => {
    for (const [args, message] of [
      [['query', 'cost', '--since', 'yesterday'], /--since yesterday: not a time; use a duration before now/],
      [['query', 'cost', '--since', '1d', '--until', '2d'], /--since 1d is not before --until 2d/],
      [['query', 'cost', '--limit', '0'], /--limit 0: expected a whole number from 1 to 1000000/],
      [['query', 'cost', '--user-attribute', 'hostname'], /--user-attribute hostname: the stack keeps only team, department, cost_center/],
      [['query', 'errors', '--csv'], /CSV holds one table; pick one with --only api\|tools\|verbs/],
      [['query', 'errors', '--only', 'disk'], /--only disk: expected api, tools or verbs/],
      [['query', 'cost', '--json', '--csv'], /--json and --csv both given/],
      [['query', '--logql', '{service_name="x"}'], /--logql needs backend loki/],
      [['query', '--sql', 'SELECT 1', '--since', '7d'], /put WHERE and LIMIT in the statement/],
      [['cleanup', '--older-than', 'soon'], /--older-than soon: not a time/],
      [['report', 'month', '2025-13'], /report month 2025-13: expected a month as YYYY-MM/],
      [['report', 'insights', '--min-group', '1'], /--min-group 1: expected a whole number of installs, at least 2/],
    ] as const) {
      const r = await h.cli([...args]);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
    const unknown = await h.cli(['usage', 'top', '--model', 'x']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr.trim()).toBe("error: unknown option '--model'");
  });

  it('the rollups answer whole days: with their raw events gone, the rollup answer stands and --raw changes', async () => {
    await h.sql(`ALTER TABLE otel_logs DELETE WHERE toDate(Timestamp) = toDate(fromUnixTimestamp64Milli(${T3})) SETTINGS mutations_sync = 2`);
    const hybrid = await h.json<Answer>(['usage', 'top', '--since', '7d']);
    expect(hybrid.rows[0]).toEqual({ service: 'tinycli', verb: 'deploy', events: 6, users: 3, failures: 2, failure_rate: 0.3333 });
    const raw = await h.json<Answer>(['usage', 'top', '--since', '7d', '--raw']);
    expect(raw.rows[0]).toEqual({ service: 'tinycli', verb: 'deploy', events: 4, users: 3, failures: 1, failure_rate: 0.25 });
    const cost = await h.json<Answer>(['query', 'cost', '--since', '7d']);
    expect(cost.rows.filter((r) => r['day'] === dayOf(T3)).map((r) => r['cost_usd'])).toEqual([1.5, 0.03]);
    expect((await h.json<Answer>(['query', 'cost', '--since', '7d', '--raw'])).rows.filter((r) => r['day'] === dayOf(T3))).toEqual([]);
  });
});
