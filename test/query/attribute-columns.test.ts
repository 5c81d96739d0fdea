import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClickHouseReaderPassword } from '../../cli/home/secrets.js';
import { runTemplateOnClickHouse } from '../../cli/query/clickhouse.js';
import { clickHouseValues, type QueryFilters } from '../../cli/query/params.js';
import type { QueryResult } from '../../cli/query/result.js';
import { loadTemplate, templateNames, type Template } from '../../cli/query/templates.js';
import { ATTRIBUTE_COLUMNS, attributeExpression } from '../../cli/render/clickhouse-ddl.js';
import { loadStackFile } from '../../cli/stack/load.js';
import { resolveStack, type Stack } from '../../cli/stack/resolve.js';
import { openClickHouse, sqlStatements } from '../../cli/storage/clickhouse.js';
import { ALICE, BOB, claudeCode, cliUsage, MODELS, recordCount } from './dataset.js';
import { startHarness, waitForCount, type Harness } from './harness.js';
import { DAY, logsBody, post } from './otlp.js';

/**
 * The templates read otel_logs' attribute columns (MATERIALIZED from the maps, see
 * cli/render/clickhouse-ddl.ts) instead of the map lookups they used to make. Here every template,
 * under many filters, answers exactly what the same template answers with each column put back
 * as its map lookup, on events that came through the real Collector and were stored three ways:
 * before the columns existed (computed on read), rewritten by the mutation `up` issues when it adds
 * them to an existing table, and inserted by the exporter with the columns in place.
 */

/** The template as it read before the columns: every column name replaced by its map lookup. */
function onMaps(template: Template): Template {
  let text = template.text;
  for (const c of ATTRIBUTE_COLUMNS) text = text.replace(new RegExp(`\\b${c.column}\\b`, 'g'), attributeExpression(c));
  return { ...template, text };
}

const columnNames = ATTRIBUTE_COLUMNS.map((c) => c.column);

/**
 * The answer with LowCardinality(...) taken off the storage type names: a low-cardinality column
 * is stored as a dictionary and reports `LowCardinality(String)` where its lookup was `String` (as
 * ServiceName always has); the values, column names and kinds must not change.
 */
function withoutEncoding(r: QueryResult): QueryResult {
  const plain = (type: string) => type.replace(/LowCardinality\(((?:[^()]|\([^()]*\))*)\)/g, '$1');
  return { columns: r.columns.map((c) => ({ ...c, type: plain(c.type) })), rows: r.rows };
}

const WRITTEN_IN_BACKGROUND = (n: number) => `${n} attribute columns are computed on read in the events already stored; they are written into them in the background`;

describe('attribute columns: same answers as the map lookups, on events stored before and after the columns', () => {
  let h: Harness;
  let stack: Stack;
  let reader: ClickHouseClient;
  const now = Date.now();

  const activeMutations = async () => Number((await h.sql<{ n: number }>(`SELECT count() AS n FROM system.mutations WHERE database = 'telemetry' AND table = 'otel_logs' AND NOT is_done`))[0]!.n);
  const mutations = async () => Number((await h.sql<{ n: number }>(`SELECT count() AS n FROM system.mutations WHERE database = 'telemetry' AND table = 'otel_logs'`))[0]!.n);
  const presentColumns = async () =>
    (await h.sql<{ name: string }>(`SELECT name FROM system.columns WHERE database = 'telemetry' AND table = 'otel_logs'`)).map((r) => r.name).filter((n) => columnNames.includes(n));
  const dropColumns = () => h.sql(`ALTER TABLE otel_logs ${columnNames.map((c) => `DROP COLUMN IF EXISTS ${c}`).join(', ')} SETTINGS mutations_sync = 2`);
  /** Parts that store the columns on disk; a part written before them has none of them. */
  const partsWithColumns = async () =>
    (
      await h.sql<{ n: number }>(
        `SELECT countIf(column IN (${columnNames.map((c) => `'${c}'`).join(', ')})) AS n
       FROM system.parts_columns WHERE database = 'telemetry' AND table = 'otel_logs' AND active GROUP BY name ORDER BY name`,
      )
    ).map((r) => Number(r.n));

  async function send(at: number): Promise<void> {
    const before = Number((await h.sql<{ n: number }>('SELECT count() AS n FROM otel_logs'))[0]!.n);
    const groups = [...cliUsage(at), ...claudeCode(at)];
    await post(h.stack.ports.http, '/v1/logs', logsBody(groups));
    const expected = before + recordCount(groups);
    expect(await waitForCount(h, 'SELECT count() AS n FROM otel_logs', expected)).toBe(expected);
  }

  /** Every filter the templates take, one at a time and a few together. */
  function variants(): { label: string; filters: QueryFilters }[] {
    const base: QueryFilters = {
      range: { since: new Date(now - 7 * DAY), until: new Date(now + 60_000) },
      service: '',
      user: '',
      model: '',
      verb: '',
      limit: 100,
      raw: false,
      userAttribute: 'team',
      minGroup: 1,
    };
    return [
      { label: 'defaults', filters: base },
      { label: 'raw', filters: { ...base, raw: true } },
      { label: '40 days', filters: { ...base, range: { since: new Date(now - 40 * DAY), until: base.range.until } } },
      { label: 'last 2 hours (hourly periods)', filters: { ...base, range: { since: new Date(now - 2 * 3_600_000), until: base.range.until } } },
      { label: 'user by email', filters: { ...base, user: ALICE.email } },
      { label: 'user by id, raw', filters: { ...base, user: BOB.id, raw: true } },
      { label: 'user from the team attribute', filters: { ...base, user: 'platform' } },
      { label: 'department', filters: { ...base, userAttribute: 'department' } },
      { label: 'department, user research', filters: { ...base, userAttribute: 'department', user: 'research' } },
      { label: 'cost_center', filters: { ...base, userAttribute: 'cost_center' } },
      { label: 'model', filters: { ...base, model: MODELS.SONNET } },
      { label: 'service', filters: { ...base, service: 'tinycli' } },
      { label: 'verb', filters: { ...base, verb: 'deploy' } },
      { label: 'limit 1', filters: { ...base, limit: 1 } },
      { label: 'min group 2', filters: { ...base, minGroup: 2 } },
    ];
  }

  /** Runs every template under every variant, on the columns and on the maps; returns the answers. */
  async function compareAll(): Promise<Map<string, QueryResult>> {
    const answers = new Map<string, QueryResult>();
    for (const name of templateNames('clickhouse')) {
      const template = loadTemplate('clickhouse', name);
      for (const { label, filters } of variants()) {
        const values = clickHouseValues(stack, process.env, filters);
        const onColumns = await runTemplateOnClickHouse(reader, stack, template, values);
        const before = await runTemplateOnClickHouse(reader, stack, onMaps(template), values);
        expect(withoutEncoding(onColumns), `${name}, ${label}`).toEqual(withoutEncoding(before));
        answers.set(`${name} ${label}`, onColumns);
      }
    }
    return answers;
  }

  /** Equal answers prove little if they are empty: every template answers rows on the defaults. */
  function expectRows(answers: Map<string, QueryResult>): void {
    for (const name of templateNames('clickhouse')) expect(answers.get(`${name} defaults`)?.rows.length, name).toBeGreaterThan(0);
  }

  beforeAll(async () => {
    h = await startHarness();
    const file = h.stack.file;
    stack = resolveStack(loadStackFile(file, process.env).stack, file, process.env);
    reader = openClickHouse(stack, readClickHouseReaderPassword(stack, process.env), { role: 'reader' });
    // otel_logs as an earlier version left it: only what the exporter created.
    await dropColumns();
    expect(await presentColumns()).toEqual([]);
    await send(now);
  }, 180_000);

  afterAll(async () => {
    await reader?.close();
    await h?.down();
  });

  it('the templates read no attribute map, and every column they name is one up creates', () => {
    for (const name of templateNames('clickhouse')) {
      const sql = loadTemplate('clickhouse', name)
        .text.split('\n')
        .filter((l) => !l.trimStart().startsWith('--'))
        .join('\n');
      expect(sql, name).not.toMatch(/(Log|Resource|Scope)Attributes\s*\[/);
      for (const used of sql.match(/\b(Attr|Resource)[A-Z]\w*/g) ?? []) expect(columnNames, `${name}: ${used}`).toContain(used);
    }
  });

  it('parts written before the columns existed: the columns computed on read answer as the maps', async () => {
    const rendered = readFileSync(join(h.stack.dataDir, 'config', 'clickhouse', 'rollups.sql'), 'utf8');
    const add = sqlStatements(rendered).find((s) => s.includes('ADD COLUMN IF NOT EXISTS'));
    expect(add).toBeDefined();
    await h.sql(add!);
    expect((await partsWithColumns()).every((n) => n === 0)).toBe(true);
    expectRows(await compareAll());
  }, 180_000);

  it('up on the older table adds the columns and rewrites the stored events with them once; a second up does not', async () => {
    await dropColumns();
    const first = await h.cli(['up']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(`${first.stdout}${first.stderr}`).toContain(WRITTEN_IN_BACKGROUND(columnNames.length));
    expect((await presentColumns()).sort()).toEqual([...columnNames].sort());
    const deadline = Date.now() + 60_000;
    while ((await activeMutations()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await activeMutations()).toBe(0);
    expect((await partsWithColumns()).every((n) => n === columnNames.length)).toBe(true);
    expectRows(await compareAll());

    const issued = await mutations();
    const second = await h.cli(['up']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(`${second.stdout}${second.stderr}`).not.toMatch(/written into them in the background/);
    expect(await mutations()).toBe(issued);
  }, 240_000);

  it('an up interrupted after adding the columns, before their rewrite: the next up starts it', async () => {
    await dropColumns();
    // What the interrupted up did: the columns are there, no part stores them, no mutation runs.
    const rendered = readFileSync(join(h.stack.dataDir, 'config', 'clickhouse', 'rollups.sql'), 'utf8');
    await h.sql(sqlStatements(rendered).find((s) => s.includes('ADD COLUMN IF NOT EXISTS'))!);
    expect((await presentColumns()).sort()).toEqual([...columnNames].sort());
    expect((await partsWithColumns()).every((n) => n === 0)).toBe(true);
    const next = await h.cli(['up']);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(`${next.stdout}${next.stderr}`).toContain(WRITTEN_IN_BACKGROUND(columnNames.length));
    const deadline = Date.now() + 60_000;
    while ((await activeMutations()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await partsWithColumns()).every((n) => n === columnNames.length)).toBe(true);
    expectRows(await compareAll());
  }, 240_000);

  it('the real Collector writes into the table with the columns, which it fills on insert', async () => {
    // An hour earlier than the first batch: other blocks, so the insert deduplication keeps them.
    await send(now - 3_600_000);
    const filled = await h.sql<{ events: number; mismatched: number }>(
      `SELECT count() AS events, countIf(${ATTRIBUTE_COLUMNS.map((c) => `${c.column} != ${attributeExpression(c)}`).join(' OR ')}) AS mismatched FROM otel_logs`,
    );
    expect(Number(filled[0]!.events)).toBe(2 * recordCount([...cliUsage(now), ...claudeCode(now)]));
    expect(Number(filled[0]!.mismatched)).toBe(0);
    expect((await h.sql<{ n: number }>(`SELECT countIf(AttrEventName = 'api_request') AS n FROM otel_logs`))[0]!.n).toBeGreaterThan(0);
    const answers = await compareAll();
    expectRows(answers);
    // The second batch is counted: an hour apart, both inside the default range.
    expect(answers.get('errors-tools defaults')!.rows.find((r) => r['tool'] === 'Bash')?.['calls']).toBe(10);
  }, 240_000);
});
