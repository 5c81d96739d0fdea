import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../cli/errors.js';
import { EXPORTER_TABLES } from '../../cli/render/clickhouse-ddl.js';
import { desiredSchema, type SchemaObject } from '../../cli/schema/desired.js';
import { diffServer, type ServerState } from '../../cli/schema/diff.js';
import { EXPORTER_TABLE_COLUMNS } from '../../cli/schema/exporter-tables.js';
import { clusterDeleteProblem } from '../../cli/schema/layout.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack, type Stack } from '../../cli/stack/resolve.js';
import { schemaStatements } from '../support/schema-statements.js';

function stack(clickhouse: string, retention = '90d'): Stack {
  const text = `version: 1\nname: t\nbackend: clickhouse\ndataDir: /tmp/t\nretention: ${retention}\nclickhouse: ${clickhouse}\n`;
  const parsed = parseStackFile(text, '/tmp/t.yaml', {});
  if (!parsed.stack) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  return resolveStack(parsed.stack, '/tmp/t.yaml', {});
}

describe('the schema telemetry-stack owns', () => {
  const replicated = desiredSchema(stack("{url: 'http://ch:8123', cluster: {name: prod}}"));

  it('on a cluster with Keeper: every statement runs ON CLUSTER, local tables are replicated with the shard and replica macros', () => {
    for (const s of schemaStatements(replicated)) expect(s, s.slice(0, 60)).toMatch(/^(CREATE|ALTER) \S+( \S+)*? ON CLUSTER prod(\s|\(|$)/);
    const local = replicated.find((o) => o.kind === 'table' && o.name === 'telemetry.otel_logs_local');
    expect(local?.kind === 'table' && local.create).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')");
    const rollup = replicated.find((o) => o.kind === 'table' && o.name === 'telemetry.cli_usage_daily_local');
    expect(rollup?.kind === 'table' && rollup.create).toContain('ENGINE = ReplicatedAggregatingMergeTree(');
  });

  it('a Distributed table over each local one, keyed by the hashed user id; rollup views read and fill local tables', () => {
    for (const t of EXPORTER_TABLES) {
      const d = replicated.find((o) => o.kind === 'table' && o.name === `telemetry.${t}`);
      expect(d?.kind === 'table' && d.role).toBe('distributed');
      expect(d?.kind === 'table' && d.create).toMatch(
        new RegExp(`AS telemetry\\.${t}_local\\nENGINE = Distributed\\(prod, telemetry, ${t}_local, cityHash64\\(coalesce\\(nullIf\\(\\w+\\['user.email'\\]`),
      );
    }
    const views = replicated.filter((o) => o.kind === 'view');
    expect(views.length).toBeGreaterThanOrEqual(3);
    for (const v of views) {
      expect(v.create).toMatch(/ TO telemetry\.\w+_local AS/);
      expect(v.create).toMatch(/FROM telemetry\.otel_logs_local\b/);
      expect(v.create).not.toMatch(/FROM telemetry\.otel_logs\b(?!_local)/);
    }
  });

  it('TTL per local table follows the retention', () => {
    const ttl = (objects: SchemaObject[], name: string) => objects.find((o) => o.kind === 'table' && o.name === name);
    const s = desiredSchema(stack("{url: 'http://ch:8123', cluster: {name: prod}}", '30d'));
    expect(ttl(s, 'telemetry.otel_logs_local')).toMatchObject({ ttl: 'toDateTime(Timestamp) + toIntervalDay(30)' });
    expect(ttl(s, 'telemetry.otel_metrics_sum_local')).toMatchObject({ ttl: 'toDateTime(TimeUnix) + toIntervalDay(30)' });
    expect(ttl(s, 'telemetry.cli_usage_daily_local')).toMatchObject({ ttl: 'Day + toIntervalDay(30)' });
    expect(ttl(s, 'telemetry.otel_logs')).not.toHaveProperty('ttl');
  });

  it('with cluster.nodes and replicated false: no ON CLUSTER, MergeTree with its own deduplication window', () => {
    const s = desiredSchema(stack("{url: 'http://a:8123', cluster: {name: two, replicated: false, nodes: ['http://a:8123', 'http://b:8123']}}"));
    for (const st of schemaStatements(s)) expect(st).not.toContain('ON CLUSTER');
    const local = s.find((o) => o.kind === 'table' && o.name === 'telemetry.otel_logs_local');
    expect(local?.kind === 'table' && local.create).toMatch(/ENGINE = MergeTree\n[\s\S]*non_replicated_deduplication_window = 10000/);
  });

  it("on one server: only what the rollup DDL renders, and TTLs for the exporter's tables", () => {
    const s = desiredSchema(stack("{url: 'http://ch:8123'}"));
    expect(s.some((o) => o.kind === 'table' && o.name.endsWith('_local'))).toBe(false);
    expect(s.filter((o) => o.kind === 'view').length).toBeGreaterThanOrEqual(3);
    expect(EXPORTER_TABLE_COLUMNS.map((t) => t.name)).toEqual([...EXPORTER_TABLES]);
    // The exporter's tables are not ours to create, but their TTL is ours to keep.
    const logs = s.find((o) => o.kind === 'table' && o.name === 'telemetry.otel_logs');
    expect(logs).toMatchObject({ create: undefined, ttl: 'toDateTime(Timestamp) + toIntervalDay(90)' });
    const d = diffServer('http://ch:8123', s, { databases: new Set(['telemetry']), tables: new Map(), columns: new Map() }, '');
    expect(d.changes.filter((c) => c.object.startsWith('telemetry.otel_') && c.action !== 'run')).toEqual([]);
  });
});

describe('schema diff', () => {
  const objects = desiredSchema(stack("{url: 'http://a:8123', cluster: {name: two, replicated: false, nodes: ['http://a:8123']}}"));
  const empty = (): ServerState => ({ databases: new Set(), tables: new Map(), columns: new Map() });

  it('on an empty server: creates everything, conflicts with nothing', () => {
    const d = diffServer('http://a:8123', objects, empty(), '');
    expect(d.conflicts).toEqual([]);
    expect(d.changes.filter((c) => c.action === 'create').length).toBe(objects.filter((o) => o.kind !== 'statement').length);
  });

  it('a table the exporter made where a Distributed table belongs is a conflict naming the fix; a missing column is added after its neighbour; a changed TTL is set', () => {
    const state = empty();
    state.databases.add('telemetry');
    state.tables.set('telemetry.otel_logs', {
      engine: 'MergeTree',
      createQuery: 'CREATE TABLE telemetry.otel_logs (...) ENGINE = MergeTree TTL toDateTime(Timestamp) + toIntervalDay(30) SETTINGS x = 1',
    });
    const logs = EXPORTER_TABLE_COLUMNS[0]!;
    state.tables.set('telemetry.otel_logs_local', { engine: 'MergeTree', createQuery: 'CREATE TABLE x ENGINE = MergeTree TTL toDateTime(Timestamp) + toIntervalDay(30) SETTINGS a = 1' });
    state.columns.set('telemetry.otel_logs_local', new Map(logs.columns.filter((c) => c.name !== 'EventName').map((c) => [c.name, { type: c.name === 'Body' ? 'Int64' : c.type }])));
    const d = diffServer('http://a:8123', objects, state, '');
    expect(d.conflicts.map((c) => c.object).sort()).toEqual(['telemetry.otel_logs', 'telemetry.otel_logs_local.Body']);
    expect(d.conflicts.find((c) => c.object === 'telemetry.otel_logs')!.detail).toContain('RENAME TABLE telemetry.otel_logs TO telemetry.otel_logs_old');
    const add = d.changes.find((c) => c.action === 'add-column');
    expect(add?.statements).toEqual([expect.stringMatching(/^ALTER TABLE telemetry\.otel_logs_local ADD COLUMN IF NOT EXISTS `EventName` String .* AFTER `LogAttributes`$/)]);
    const ttl = d.changes.find((c) => c.action === 'modify-ttl');
    expect(ttl).toMatchObject({ object: 'telemetry.otel_logs_local', detail: 'toDateTime(Timestamp) + toIntervalDay(30) -> toDateTime(Timestamp) + toIntervalDay(90)' });
  });
});

describe('deleting commands on a cluster', () => {
  it('cleanup and purge are refused with one line on a cluster, allowed on one server', () => {
    expect(clusterDeleteProblem(stack("{url: 'http://ch:8123'}"), 'purge')).toBeUndefined();
    expect(clusterDeleteProblem(stack("{url: 'http://ch:8123', cluster: {name: prod}}"), 'purge')).toMatch(/^purge: on cluster prod .* docs\/scale-out\.md says how to delete by hand$/);
  });
});
