import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PANELS } from '../../cli/dashboard/panels.js';
import { columnKind, normalizeCell, type Row } from '../../cli/query/result.js';
import { claudeCode, cliUsage, recordCount } from '../query/dataset.js';
import { startHarness, waitForCount, type Harness } from '../query/harness.js';
import { logsBody, post } from '../query/otlp.js';
import { expandClickHouse, type PanelContext } from './expand.js';

interface Target {
  refId: string;
  rawSql: string;
  datasource: { type: string; uid: string };
}
interface DashboardPanel {
  id: number;
  title: string;
  description: string;
  datasource: { type: string; uid: string };
  targets: Target[];
}
interface Provisioned {
  uid: string;
  type: string;
  jsonData: { host: string; port: number; username: string; defaultDatabase: string; protocol: string; queryTimeout?: string };
  secureJsonData: { password: string };
}
interface Answer {
  rows: Row[];
}

/**
 * The dashboards `generate --target grafana` writes, run the way Grafana would run them against a
 * real embedded engine holding events that came through the real Collector: each panel's SQL with
 * Grafana's variables and the ClickHouse plugin's macros expanded, sent as the provisioned data
 * source's user (the engine's read-only user) with the max_execution_time setting the plugin's
 * client sends on every query; its rows must equal `--json` of the CLI command the panel names.
 * Grafana itself is AGPL-licensed and is never run here.
 */
describe('Grafana dashboards on the embedded engine: every panel equals the CLI', () => {
  let h: Harness;
  let panels: DashboardPanel[];
  let source: Provisioned;
  let readerPassword: string;
  // Whole seconds: Grafana's range, and what both sides are given.
  const toMs = Math.floor(Date.now() / 1000) * 1000;
  const fromMs = toMs - 7 * 86_400_000;
  const range = ['--since', new Date(fromMs).toISOString(), '--until', new Date(toMs).toISOString()];
  const everyone = { service: '', user: '', model: '', verb: '', user_attribute: 'team' };

  beforeAll(async () => {
    h = await startHarness();
    const now = toMs - 60_000;
    const groups = [...cliUsage(now), ...claudeCode(now)];
    await post(h.stack.ports.http, '/v1/logs', logsBody(groups));
    const expected = recordCount(groups);
    expect(await waitForCount(h, 'SELECT count() AS n FROM otel_logs', expected)).toBe(expected);
    const out = mkdtempSync(join(tmpdir(), 'ts-grafana-'));
    const generate = await h.cli(['generate', '--target', 'grafana', '--out', out]);
    expect(generate.exitCode, generate.stderr).toBe(0);
    const dashboards = readdirSync(join(out, 'grafana', 'dashboards'));
    expect(dashboards).toHaveLength(1);
    panels = (JSON.parse(readFileSync(join(out, 'grafana', 'dashboards', dashboards[0]!), 'utf8')) as { panels: DashboardPanel[] }).panels;
    source = (parse(readFileSync(join(out, 'grafana', 'provisioning', 'datasources', 'telemetry-stack.yaml'), 'utf8')) as { datasources: Provisioned[] }).datasources[0]!;
    // What the user exports for Grafana: the read-only password `up` wrote.
    readerPassword = readFileSync(join(h.stack.dataDir, 'secrets', 'clickhouse-reader-password'), 'utf8').trim();
  }, 900_000);

  afterAll(async () => {
    await h?.down();
  });

  // The plugin's client (clickhouse-go) sends its deadline's remaining seconds + 5 with every
  // query; the deadline is the data source's query timeout (plugin default 60 s).
  const pluginMaxExecution = () => Math.trunc(Number(source.jsonData.queryTimeout ?? 60) - 0.01 + 5);

  /** One panel's SQL as the plugin sends it: its HTTP interface, its user, its settings. */
  async function runPanel(target: Target, ctx: PanelContext, maxExecution = pluginMaxExecution()): Promise<Row[]> {
    const j = source.jsonData;
    const params = new URLSearchParams({
      database: j.defaultDatabase,
      default_format: 'JSON',
      output_format_json_quote_64bit_integers: '0',
      max_execution_time: String(maxExecution),
    });
    const res = await fetch(`http://${j.host}:${j.port}/?${params}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${j.username}:${readerPassword}`).toString('base64')}` },
      body: expandClickHouse(target.rawSql, ctx),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`panel query refused (HTTP ${res.status}): ${text.split('\n')[0]}`);
    const body = JSON.parse(text) as { meta: { name: string; type: string }[]; data: Record<string, unknown>[] };
    return body.data.map((raw) => Object.fromEntries(body.meta.map((m) => [m.name, normalizeCell(raw[m.name], columnKind(m.type))])));
  }

  const cliArgs = (key: string) => [...PANELS[key]!.cli.split(' '), ...range, '--limit', String(PANELS[key]!.limit)];
  const panelOf = (key: string) => panels.find((p) => p.title === PANELS[key]!.question.sections[0]!.title)!;

  it("the data source is the stack's storage as its read-only user, and every panel reads it", () => {
    expect(source.jsonData).toMatchObject({ protocol: 'http', host: '127.0.0.1', port: h.stack.ports.storage, username: 'telemetry_reader', defaultDatabase: 'telemetry' });
    expect(source.secureJsonData.password).toBe('${TELEMETRY_STACK_CLICKHOUSE_READER_PASSWORD}');
    expect(panels.map((p) => p.title).sort()).toEqual(
      Object.values(PANELS)
        .map((p) => p.question.sections[0]!.title)
        .sort(),
    );
    for (const p of panels) for (const t of p.targets) expect(t.datasource).toEqual({ type: source.type, uid: source.uid });
  });

  for (const key of Object.keys(PANELS)) {
    it(`${key}: the panel's rows equal \`${PANELS[key]!.cli} --json\``, async () => {
      const panel = panelOf(key);
      expect(panel.targets).toHaveLength(1);
      const rows = await runPanel(panel.targets[0]!, { fromMs, toMs, variables: everyone });
      const cli = await h.json<Answer>(cliArgs(key));
      // A panel that answers nothing proves nothing: the dataset fills every one.
      expect(cli.rows.length, key).toBeGreaterThan(0);
      expect(rows).toEqual(cli.rows);
    });
  }

  it('dashboard variables narrow the panels as the CLI options do', async () => {
    const cases: { key: string; variables: Partial<typeof everyone>; options: string[] }[] = [
      { key: 'usage', variables: { service: 'othercli' }, options: ['--service', 'othercli'] },
      { key: 'cost', variables: { user_attribute: 'department' }, options: ['--user-attribute', 'department'] },
      { key: 'cost', variables: { user: h.hmac('alice@example.com') }, options: ['--user', h.hmac('alice@example.com')] },
      { key: 'tokens', variables: { model: 'claude-haiku-4-5' }, options: ['--model', 'claude-haiku-4-5'] },
      { key: 'events', variables: { verb: 'deploy', service: 'tinycli' }, options: ['--verb', 'deploy', '--service', 'tinycli'] },
    ];
    for (const c of cases) {
      const rows = await runPanel(panelOf(c.key).targets[0]!, { fromMs, toMs, variables: { ...everyone, ...c.variables } });
      const cli = await h.json<Answer>([...cliArgs(c.key), ...c.options]);
      expect(cli.rows.length, `${c.key} ${c.options.join(' ')}`).toBeGreaterThan(0);
      expect(rows, `${c.key} ${c.options.join(' ')}`).toEqual(cli.rows);
    }
  });

  it("the read-only user takes the plugin's statement bound (lower than its own), and refuses a higher one", async () => {
    expect(pluginMaxExecution()).toBe(59);
    await expect(runPanel(panelOf('usage').targets[0]!, { fromMs, toMs, variables: everyone }, 61)).rejects.toThrow(/max_execution_time/);
  });

  it("a variable value with a quote stays a value (Grafana's sqlstring format), not SQL", async () => {
    const rows = await runPanel(panelOf('usage').targets[0]!, { fromMs, toMs, variables: { ...everyone, service: "x' OR '1'='1" } });
    expect(rows).toEqual([]);
  });
});
