import type { Stack } from '../stack/resolve.js';
import { openClickHouse } from '../storage/clickhouse.js';
import { readClickHousePassword } from '../home/secrets.js';
import { clickHouseUserError } from '../query/clickhouse.js';
import { toDateTimeParam } from '../query/range.js';
import { loadStatement } from '../query/templates.js';
import { countRows, deleteWhere, existingTables, RETAINED_TABLES } from './tables.js';

export interface CleanupResult {
  /** Everything dated before this instant is removed: the start of a day in the storage's time zone. */
  cutoff: string;
  cutoffDay: string;
  dryRun: boolean;
  tables: { table: string; rows: number }[];
  total: number;
}

/**
 * Removes whole days older than `before`: the cutoff is moved back to the start of its day, so
 * the daily rollups and the events they were built from always cover the same days.
 */
export async function cleanup(stack: Stack, env: NodeJS.ProcessEnv, before: Date, options: { dryRun: boolean }): Promise<CleanupResult> {
  const db = stack.clickhouse.database;
  const client = openClickHouse(stack, readClickHousePassword(stack, env), { role: 'writer' });
  try {
    const rs = await client.query({
      query: loadStatement('sql', 'retention/cleanup-cutoff'),
      query_params: { at: toDateTimeParam(before) },
      format: 'JSONEachRow',
    });
    const [row] = (await rs.json()) as { cutoff: string; day: string; unix: string | number }[];
    const cutoffParam = String(row!.unix);
    const present = await existingTables(client, db);
    const tables: CleanupResult['tables'] = [];
    for (const t of RETAINED_TABLES) {
      if (!present.has(t.name)) continue;
      const where = t.kind === 'rollup' ? `${t.time} < toDate({cutoff:DateTime})` : `${t.time} < {cutoff:DateTime}`;
      const table = `${db}.${t.name}`;
      const params = { cutoff: cutoffParam };
      const before = await countRows(client, `SELECT count() AS n FROM ${table} WHERE ${where}`, params);
      let removed = 0;
      if (before > 0 && !options.dryRun) {
        await deleteWhere(client, table, where, params);
        removed = before - (await countRows(client, `SELECT count() AS n FROM ${table} WHERE ${where}`, params));
      }
      tables.push({ table: t.name, rows: options.dryRun ? before : removed });
    }
    return { cutoff: row!.cutoff, cutoffDay: row!.day, dryRun: options.dryRun, tables, total: tables.reduce((a, t) => a + t.rows, 0) };
  } catch (e) {
    throw clickHouseUserError(e, stack, false);
  } finally {
    await client.close();
  }
}
