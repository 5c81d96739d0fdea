import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Stack } from '../stack/resolve.js';
import { clickhouseUsername, runsChdbServer, storageEndpoint, type ClickHouseRole } from '../stack/storage-endpoint.js';

/**
 * One client for the ClickHouse server and the embedded engine alike: both answer ClickHouse's
 * HTTP interface (on 127.0.0.1, or at clickhouse.url for a server of the user's), so every query, DDL statement and report runs the same way.
 */
export function openClickHouse(stack: Stack, password: string, options: { role: ClickHouseRole }): ClickHouseClient {
  // The chdb-server launcher's reader has readonly = 1 as a constant: sending any setting,
  // readonly included, is refused there (164). Elsewhere the one user could write, so reads ask
  // for readonly=2, which refuses any write or DDL but still lets per-query settings through.
  const readonlySetting = options.role === 'reader' && !runsChdbServer(stack);
  return createClient({
    url: storageEndpoint(stack).url,
    username: clickhouseUsername(stack, options.role),
    password,
    database: stack.clickhouse.database,
    request_timeout: 60_000,
    // Failures come back as rejections, handled by the caller; the client's own logger would
    // print each one again, with a stack trace, on the person's terminal.
    log: { level: ClickHouseLogLevel.OFF },
    ...(readonlySetting ? { clickhouse_settings: { readonly: '2' } } : {}),
  });
}

/** Splits a rendered .sql file into statements (ours never put `;` inside a literal). */
export function sqlStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function tableExists(client: ClickHouseClient, database: string, table: string): Promise<boolean> {
  const rs = await client.query({
    query: 'SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = {table:String}',
    query_params: { db: database, table },
    format: 'JSONEachRow',
  });
  const rows = (await rs.json()) as { n: string | number }[];
  return Number(rows[0]?.n ?? 0) > 0;
}

/** The names of a table's columns (none when the table does not exist). */
export async function tableColumns(client: ClickHouseClient, database: string, table: string): Promise<Set<string>> {
  const rs = await client.query({
    query: 'SELECT name FROM system.columns WHERE database = {db:String} AND table = {table:String}',
    query_params: { db: database, table },
    format: 'JSONEachRow',
  });
  return new Set(((await rs.json()) as { name: string }[]).map((r) => r.name));
}
