import type { ClickHouseClient } from '@clickhouse/client';
import { USER_ID_ATTRIBUTES } from '../render/sanitize/profiles.js';
import type { Stack } from '../stack/resolve.js';
import { openClickHouse } from '../storage/clickhouse.js';
import { readClickHousePassword } from '../home/secrets.js';
import { clickHouseUserError } from '../query/clickhouse.js';
import { storedUserId } from '../query/identity.js';
import { loadStatement } from '../query/templates.js';
import { countRows, deleteWhere, existingTables, RETAINED_TABLES } from './tables.js';

export interface PurgeResult {
  /** The stored forms looked for: the value as given and, with mode hmac, its keyed hash. */
  matched: string[];
  dryRun: boolean;
  tables: { table: string; rows: number; rebuilt?: number }[];
  total: number;
  /** Rows still matching after the purge (0 unless something else wrote them meanwhile). */
  remaining: number;
}

interface Rollup {
  table: string;
  view: string;
  /** The view's SELECT, as the server stores it. */
  select: string;
  keys: string[];
  columns: string[];
}

/**
 * Removes one person's rows: every event and metric data point whose user.id, user.email or
 * user.account_uuid (record or resource attribute, flattened forms such as user.id.0 included)
 * holds the id as stored, then their share of the daily rollups.
 *
 * A rollup row aggregates many events, so it cannot lose one person's events by deletion alone:
 * every rollup group the person's events fed (found by running the rollup's own view over their
 * events) is deleted, and rebuilt by the same view from the events that remain. For a group that
 * was theirs alone (their email or id is the user key) nothing remains to rebuild.
 */
export async function purgeUser(stack: Stack, env: NodeJS.ProcessEnv, id: string, options: { dryRun: boolean }): Promise<PurgeResult> {
  const db = stack.clickhouse.database;
  const ids = [...new Set([id, storedUserId(stack, env, id)])];
  const client = openClickHouse(stack, readClickHousePassword(stack, env), { role: 'writer' });
  try {
    const present = await existingTables(client, db);
    const params = { ids };
    const rollups = await findRollups(client, db, present);
    const tables: PurgeResult['tables'] = [];

    // Groups are found before any event is deleted: afterwards nothing says which groups they fed.
    const affected = new Map<string, string[][]>();
    for (const r of rollups) affected.set(r.table, await affectedGroups(client, db, r, params));

    for (const t of RETAINED_TABLES) {
      if (t.kind === 'rollup' || !present.has(t.name)) continue;
      const table = `${db}.${t.name}`;
      const where = identityPredicate(t.kind === 'events' ? 'LogAttributes' : 'Attributes');
      tables.push({ table: t.name, rows: await removeRows(client, table, where, params, options.dryRun) });
    }

    for (const r of rollups) {
      const groups = affected.get(r.table) ?? [];
      const table = `${db}.${r.table}`;
      // Also any group keyed by the id itself whose events are already gone (e.g. expired).
      const stringKeys = r.keys.filter((k) => k !== 'Day');
      const where = `has({groups:Array(Array(String))}, ${keyArray(r.keys)})` + (stringKeys.length ? ` OR hasAny({ids:Array(String)}, [${stringKeys.map((k) => `toString(${k})`).join(', ')}])` : '');
      const removed = await removeRows(client, table, where, { groups, ids }, options.dryRun);
      let rebuilt = 0;
      if (!options.dryRun && groups.length > 0) rebuilt = await rebuildGroups(client, db, r, groups);
      tables.push({ table: r.table, rows: removed, ...(rebuilt > 0 ? { rebuilt } : {}) });
    }

    let remaining = 0;
    if (!options.dryRun) {
      for (const t of RETAINED_TABLES) {
        if (t.kind === 'rollup' || !present.has(t.name)) continue;
        remaining += await countRows(client, `SELECT count() AS n FROM ${db}.${t.name} WHERE ${identityPredicate(t.kind === 'events' ? 'LogAttributes' : 'Attributes')}`, params);
      }
    }
    return { matched: ids, dryRun: options.dryRun, tables, total: tables.reduce((a, t) => a + t.rows, 0), remaining };
  } catch (e) {
    throw clickHouseUserError(e, stack, false);
  } finally {
    await client.close();
  }
}

/**
 * A row is the person's when a user id attribute, record or resource, holds one of `ids`. The
 * Collector flattens an id sent as an array or a map before hashing it, each leaf on its own
 * (`user.id.0`, `user.email.primary`), so a key counts when it is one of the names or starts with
 * one followed by a dot: matching the names alone would leave those rows behind.
 */
function identityPredicate(recordAttributes: string): string {
  const names = USER_ID_ATTRIBUTES.map((a) => `'${a}'`).join(', ');
  const flattened = USER_ID_ATTRIBUTES.map((a) => `startsWith(k, '${a}.')`).join(' OR ');
  const holds = (m: string) => `mapExists((k, v) -> has({ids:Array(String)}, v) AND (k IN (${names}) OR ${flattened}), ${m})`;
  return `(${holds(recordAttributes)} OR ${holds('ResourceAttributes')})`;
}

async function removeRows(client: ClickHouseClient, table: string, where: string, params: Record<string, unknown>, dryRun: boolean): Promise<number> {
  const count = () => countRows(client, `SELECT count() AS n FROM ${table} WHERE ${where}`, params);
  const before = await count();
  if (before === 0 || dryRun) return before;
  await deleteWhere(client, table, where, params);
  return before - (await count());
}

/** The rollups: materialized views that read otel_logs into a table of this database. */
async function findRollups(client: ClickHouseClient, db: string, present: Set<string>): Promise<Rollup[]> {
  const rs = await client.query({
    query: loadStatement('sql', 'retention/rollup-views'),
    query_params: { db },
    format: 'JSONEachRow',
  });
  const views = (await rs.json()) as { name: string; as_select: string; create_table_query: string }[];
  const out: Rollup[] = [];
  for (const v of views) {
    const to = /^CREATE MATERIALIZED VIEW\s+\S+\s+TO\s+([^\s(]+)/.exec(v.create_table_query)?.[1]?.replace(/`/g, '');
    const table = to?.startsWith(`${db}.`) ? to.slice(db.length + 1) : undefined;
    if (table === undefined || !present.has(table) || !sourceClause(v.as_select, db)) continue;
    const meta = await client.query({
      query: loadStatement('sql', 'retention/rollup-table-shape'),
      query_params: { db, table },
      format: 'JSONEachRow',
    });
    const [m] = (await meta.json()) as { keys: string; columns: string[] }[];
    out.push({
      table,
      view: v.name,
      select: v.as_select,
      keys: m!.keys
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
      columns: m!.columns,
    });
  }
  return out;
}

/** `FROM <db>.otel_logs` in a view's SELECT: where the rows it aggregates are swapped for a subset. */
function sourceClause(select: string, db: string): string | undefined {
  const clause = `FROM ${db}.otel_logs`;
  return select.includes(clause) ? clause : undefined;
}

function keyArray(keys: readonly string[]): string {
  return `[${keys.map((k) => `toString(${k})`).join(', ')}]`;
}

/** The view's own SELECT over a subset of otel_logs. */
function viewOver(r: Rollup, db: string, subset: string): string {
  return r.select.replace(sourceClause(r.select, db)!, `FROM (SELECT * FROM ${db}.otel_logs WHERE ${subset})`);
}

async function affectedGroups(client: ClickHouseClient, db: string, r: Rollup, params: Record<string, unknown>): Promise<string[][]> {
  const rs = await client.query({
    query: `SELECT DISTINCT ${keyArray(r.keys)} AS k FROM (${viewOver(r, db, identityPredicate('LogAttributes'))})`,
    query_params: params,
    format: 'JSONEachRow',
  });
  return ((await rs.json()) as { k: string[] }[]).map((row) => row.k);
}

/**
 * Re-aggregates the deleted groups from the events left. Events of these groups that arrive while
 * this runs are counted by the view as well; a purge is for one person, whose events are the
 * ones being removed, so the window touches groups no one else writes to in practice.
 */
async function rebuildGroups(client: ClickHouseClient, db: string, r: Rollup, groups: string[][]): Promise<number> {
  const cols = r.columns.join(', ');
  const where = `has({groups:Array(Array(String))}, ${keyArray(r.keys)})`;
  await client.command({
    query: `INSERT INTO ${db}.${r.table} (${cols}) SELECT ${cols} FROM (${viewOver(r, db, '1')}) WHERE ${where}`,
    query_params: { groups },
  });
  return countRows(client, `SELECT count() AS n FROM ${db}.${r.table} WHERE ${where}`, { groups });
}
