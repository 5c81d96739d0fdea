import type { ClickHouseClient } from '@clickhouse/client';
import { loadStatement } from '../query/templates.js';

/**
 * The tables retention works on: the exporter's (events and metrics), and the rollups the stack
 * builds from them with materialized views. Tables that do not exist yet (a metric type nobody
 * sent) are skipped.
 */
export interface RetainedTable {
  name: string;
  /** Column that dates a row. */
  time: string;
  kind: 'events' | 'metrics' | 'rollup';
}

export const RETAINED_TABLES: readonly RetainedTable[] = [
  { name: 'otel_logs', time: 'Timestamp', kind: 'events' },
  { name: 'otel_metrics_sum', time: 'TimeUnix', kind: 'metrics' },
  { name: 'otel_metrics_gauge', time: 'TimeUnix', kind: 'metrics' },
  { name: 'otel_metrics_histogram', time: 'TimeUnix', kind: 'metrics' },
  { name: 'otel_metrics_exponential_histogram', time: 'TimeUnix', kind: 'metrics' },
  { name: 'otel_metrics_summary', time: 'TimeUnix', kind: 'metrics' },
  { name: 'cli_usage_daily', time: 'Day', kind: 'rollup' },
  { name: 'claude_code_cost_daily', time: 'Day', kind: 'rollup' },
];

export async function existingTables(client: ClickHouseClient, database: string): Promise<Set<string>> {
  const rs = await client.query({
    query: loadStatement('sql', 'schema/table-names'),
    query_params: { db: database },
    format: 'JSONEachRow',
  });
  return new Set(((await rs.json()) as { name: string }[]).map((r) => r.name));
}

export async function countRows(client: ClickHouseClient, sql: string, params: Record<string, unknown>): Promise<number> {
  const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  const rows = (await rs.json()) as { n: string | number }[];
  return Number(rows[0]?.n ?? 0);
}

/**
 * ALTER TABLE ... DELETE rewrites the parts that hold matching rows, so the data is gone from
 * disk when the command returns (mutations_sync = 2 waits for it). A lightweight DELETE FROM
 * (which the embedded engine also runs) only marks rows until a later merge, which is not what
 * a retention or erasure promise means.
 */
export async function deleteWhere(client: ClickHouseClient, table: string, where: string, params: Record<string, unknown>): Promise<void> {
  await client.command({
    query: `ALTER TABLE ${table} DELETE WHERE ${where}`,
    query_params: params,
    clickhouse_settings: { mutations_sync: '2' },
  });
}
