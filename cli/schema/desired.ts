import { DEDUPLICATION_WINDOW, renderClickHouseDdl } from '../render/clickhouse-ddl.js';
import { loadClickHouseDdlSql } from '../render/inputs.js';
import { ttlExpression } from '../retention/apply-ttl.js';
import { RETAINED_TABLES, type RetainedTable } from '../retention/tables.js';
import type { Stack } from '../stack/resolve.js';
import { sqlStatements } from '../storage/clickhouse.js';
import { columnDefinition, EXPORTER_TABLE_COLUMNS, type ExporterColumn, type ExporterTable } from './exporter-tables.js';
import { localName, schemaLayout, type SchemaLayout } from './layout.js';
import { shardingKey } from './sharding-key.js';

/**
 * The schema a stack wants, as objects a diff can compare with a server: the exporter's tables
 * (on a cluster: local tables and Distributed tables over them), and whatever the rollup DDL
 * (cli/render/clickhouse-ddl.ts) renders, taken statement by statement and placed on the local
 * tables. Pure: the same stack gives the same objects.
 */

export type SchemaObject =
  | { kind: 'database'; name: string; create: string }
  | {
      kind: 'table';
      /** database.table */
      name: string;
      /** local: holds rows on each server; distributed: reads and routes over the cluster. */
      role: 'local' | 'distributed';
      /** undefined: the exporter creates this table on one server; only its TTL is ours. */
      create: string | undefined;
      /** Columns this schema defines (the exporter's); undefined for rollup tables. */
      columns?: readonly ExporterColumn[];
      /** TTL this table must carry (ClickHouse's own spelling, as SHOW CREATE prints it). */
      ttl?: string;
    }
  | { kind: 'view'; name: string; create: string }
  /** An idempotent statement from the rollup DDL (ALTER ...), run on `table`. */
  | { kind: 'statement'; table: string; statement: string };

export function desiredSchema(stack: Stack): SchemaObject[] {
  const layout = schemaLayout(stack);
  const db = stack.clickhouse.database;
  const rollup = sqlStatements(renderClickHouseDdl(stack, loadClickHouseDdlSql()));
  if (layout.owner === 'exporter') return singleServerSchema(stack, rollup);
  const on = layout.nodes.length === 0 ? ` ON CLUSTER ${layout.cluster}` : '';
  const objects: SchemaObject[] = [{ kind: 'database', name: db, create: `CREATE DATABASE IF NOT EXISTS ${db}${on}` }];
  for (const table of EXPORTER_TABLE_COLUMNS) objects.push(...exporterTable(stack, layout, table, on));
  const ours = new Set<string>(EXPORTER_TABLE_COLUMNS.map((t) => t.name));
  // Rollup tables first: the views that feed them name them.
  for (const s of rollup) {
    const m = /^CREATE TABLE IF NOT EXISTS (\w+)\.(\w+)\s/.exec(s);
    if (m) {
      ours.add(m[2]!);
      objects.push(...rollupTable(stack, layout, m[2]!, s, on));
    }
  }
  for (const s of rollup) {
    if (/^CREATE (DATABASE|TABLE) /.test(s)) continue;
    objects.push(...placeOnLocalTables(s, db, ours, on));
  }
  return objects;
}

/** One server: the exporter makes its tables (only their TTL is ours); the rollup DDL runs as rendered. */
function singleServerSchema(stack: Stack, statements: string[]): SchemaObject[] {
  const db = stack.clickhouse.database;
  const rollup: SchemaObject[] = [];
  for (const s of statements) {
    let m: RegExpExecArray | null;
    if ((m = /^CREATE DATABASE IF NOT EXISTS (\w+)/.exec(s))) rollup.push({ kind: 'database', name: m[1]!, create: s });
    else if ((m = /^CREATE TABLE IF NOT EXISTS (\w+\.\w+)\s/.exec(s))) rollup.push({ kind: 'table', name: m[1]!, role: 'local', create: s });
    else if ((m = /^CREATE (?:MATERIALIZED )?VIEW IF NOT EXISTS (\w+\.\w+)\s/.exec(s))) rollup.push({ kind: 'view', name: m[1]!, create: s });
    else if ((m = /^ALTER TABLE (\w+\.\w+)\s/.exec(s))) rollup.push({ kind: 'statement', table: m[1]!, statement: s });
    else throw new Error(`cli/schema/desired.ts: no rule places this rollup statement: ${s.slice(0, 80)}`);
  }
  // The exporter set each table's TTL when it created it; a retention changed since must reach it.
  const exporters: SchemaObject[] = [];
  for (const t of RETAINED_TABLES) {
    const ttl = ttlExpression(t, stack.retention);
    const table = rollup.find((o) => o.kind === 'table' && o.name === `${db}.${t.name}`);
    if (table?.kind === 'table') table.ttl = ttl;
    else exporters.push({ kind: 'table', name: `${db}.${t.name}`, role: 'local', create: undefined, ttl });
  }
  const [database, ...rest] = rollup;
  return database?.kind === 'database' ? [database, ...exporters, ...rest] : [...exporters, ...rollup];
}

function engineFor(layout: Extract<SchemaLayout, { owner: 'telemetry-stack' }>, family: string): string {
  // {database} and {table} are filled by the server; {shard} and {replica} are each server's macros.
  return layout.replicated ? `Replicated${family}('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')` : family;
}

function retained(name: string): RetainedTable | undefined {
  return RETAINED_TABLES.find((t) => t.name === name);
}

function exporterTable(stack: Stack, layout: Extract<SchemaLayout, { owner: 'telemetry-stack' }>, t: ExporterTable, on: string): SchemaObject[] {
  const db = stack.clickhouse.database;
  const local = `${db}.${localName(t.name)}`;
  const ttl = ttlExpression(retained(t.name) ?? { name: t.name, time: t.time, kind: 'events' }, stack.retention);
  // A shard without replicas deduplicates a retried block only with a window of its own; a
  // replicated table keeps its window in Keeper (replicated_deduplication_window).
  const dedup = layout.replicated ? `replicated_deduplication_window = ${DEDUPLICATION_WINDOW}` : `non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW}`;
  const create = [
    `CREATE TABLE IF NOT EXISTS ${local}${on}`,
    '(',
    [...t.columns.map((c) => `    ${columnDefinition(c)}`), ...t.indexes.map((i) => `    ${i}`)].join(',\n'),
    ')',
    `ENGINE = ${engineFor(layout, 'MergeTree')}`,
    `PARTITION BY toDate(${t.time})`,
    `ORDER BY ${t.orderBy}`,
    `TTL ${ttl}`,
    `SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, ${dedup}`,
  ].join('\n');
  return [
    { kind: 'table', name: local, role: 'local', create, columns: t.columns, ttl },
    {
      kind: 'table',
      name: `${db}.${t.name}`,
      role: 'distributed',
      create: `CREATE TABLE IF NOT EXISTS ${db}.${t.name}${on} AS ${local}\nENGINE = Distributed(${layout.cluster}, ${db}, ${localName(t.name)}, ${shardingKey(t)})`,
      columns: t.columns,
    },
  ];
}

function rollupTable(stack: Stack, layout: Extract<SchemaLayout, { owner: 'telemetry-stack' }>, name: string, statement: string, on: string): SchemaObject[] {
  const db = stack.clickhouse.database;
  const local = `${db}.${localName(name)}`;
  const create = statement
    .replace(`CREATE TABLE IF NOT EXISTS ${db}.${name}`, `CREATE TABLE IF NOT EXISTS ${local}${on}`)
    .replace(/ENGINE = (\w+)(\(\))?/, (_all, family: string) => `ENGINE = ${engineFor(layout, family)}`);
  const r = retained(name);
  return [
    { kind: 'table', name: local, role: 'local', create, ...(r ? { ttl: ttlExpression({ ...r, name: localName(name) }, stack.retention) } : {}) },
    {
      // No sharding key: nothing inserts here; the views on each server fill its local table.
      kind: 'table',
      name: `${db}.${name}`,
      role: 'distributed',
      create: `CREATE TABLE IF NOT EXISTS ${db}.${name}${on} AS ${local}\nENGINE = Distributed(${layout.cluster}, ${db}, ${localName(name)})`,
    },
  ];
}

/**
 * A rollup statement on a cluster: a view reads and fills the local tables of its own server
 * (each shard rolls up its own rows; the Distributed rollup merges the shards' partial states when
 * read); an ALTER changes the local table, and a new column also the Distributed one, so queries
 * through it can name the column.
 */
function placeOnLocalTables(statement: string, db: string, ours: ReadonlySet<string>, on: string): SchemaObject[] {
  const toLocal = (s: string) => s.replace(new RegExp(`\\b${db}\\.(\\w+)\\b`, 'g'), (all, t: string) => (ours.has(t) ? `${db}.${localName(t)}` : all));
  let m: RegExpExecArray | null;
  if ((m = /^CREATE (MATERIALIZED )?VIEW IF NOT EXISTS (\w+\.\w+)\s/.exec(statement))) {
    const head = m[0].trimEnd();
    // A plain view reads the Distributed tables as written; a materialized one sees only inserts into its own server.
    const body = statement.slice(head.length);
    return [{ kind: 'view', name: m[2]!, create: `${head}${on}${m[1] ? toLocal(body) : body}` }];
  }
  if ((m = /^ALTER TABLE (\w+)\.(\w+)\s/.exec(statement)) && ours.has(m[2]!)) {
    const rest = statement.slice(m[0].trimEnd().length);
    const local: SchemaObject = { kind: 'statement', table: `${db}.${localName(m[2]!)}`, statement: `ALTER TABLE ${db}.${localName(m[2]!)}${on}${rest}` };
    if (!/^\s*ADD COLUMN\b/i.test(rest)) return [local];
    return [local, { kind: 'statement', table: `${db}.${m[2]!}`, statement: `ALTER TABLE ${db}.${m[2]!}${on}${rest}` }];
  }
  throw new Error(`cli/schema/desired.ts: no rule places this rollup statement on a cluster: ${statement.slice(0, 80)}`);
}
