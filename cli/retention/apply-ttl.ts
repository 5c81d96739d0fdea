import type { ClickHouseClient } from '@clickhouse/client';
import { parseDuration } from '../stack/duration.js';
import type { Stack } from '../stack/resolve.js';
import { existingTables, RETAINED_TABLES, type RetainedTable } from './tables.js';

/**
 * Keeps every table's TTL equal to the stack file's retention. The exporter sets its TTL only when
 * it creates a table, so a retention changed later would otherwise never reach existing data;
 * `up` calls this each time. Returns the tables it changed.
 */
export async function applyRetentionTtl(client: ClickHouseClient, stack: Stack): Promise<string[]> {
  const db = stack.clickhouse.database;
  const tables = await existingTables(client, db);
  const changed: string[] = [];
  for (const table of RETAINED_TABLES.filter((t) => tables.has(t.name))) {
    const want = ttlExpression(table, stack.retention);
    const ddl = await (await client.query({ query: `SHOW CREATE TABLE ${db}.${table.name}`, format: 'TabSeparatedRaw' })).text();
    const current = /\bTTL\s+([^\n]+?)\s*(?:SETTINGS|$)/m.exec(ddl)?.[1]?.trim();
    if (current !== undefined && normalize(current) === normalize(want)) continue;
    // Materialized now: a shorter retention deletes what is already too old, not only new parts.
    await client.command({ query: `ALTER TABLE ${db}.${table.name} MODIFY TTL ${want}`, clickhouse_settings: { materialize_ttl_after_modify: 1, mutations_sync: '2' } });
    changed.push(table.name);
  }
  return changed;
}

/** The TTL expression ClickHouse itself prints for a retention (days when whole, else hours). */
export function ttlExpression(table: RetainedTable, retention: string): string {
  const seconds = parseDuration(retention);
  const interval = seconds % 86400 === 0 ? `toIntervalDay(${seconds / 86400})` : `toIntervalHour(${Math.max(1, Math.ceil(seconds / 3600))})`;
  if (table.kind === 'rollup') return `${table.time} + toIntervalDay(${Math.max(1, Math.ceil(seconds / 86400))})`;
  return `toDateTime(${table.time}) + ${interval}`;
}

const normalize = (s: string) => s.replace(/\s+/g, '');
