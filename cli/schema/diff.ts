import type { ClickHouseClient } from '@clickhouse/client';
import { loadStatement } from '../query/templates.js';
import { columnDefinition, type ExporterColumn } from './exporter-tables.js';
import type { SchemaObject } from './desired.js';

/**
 * What `schema apply` would change on one server: the objects it would create, the columns it
 * would add, the TTLs it would set, and the conflicts it refuses to touch (an existing table of
 * another kind, a column of another type), each with the statements that make the change.
 */

export type ChangeAction = 'create' | 'add-column' | 'modify-ttl' | 'run';

export interface Change {
  action: ChangeAction;
  object: string;
  detail: string;
  statements: string[];
}

export interface NodeDiff {
  node: string;
  changes: Change[];
  conflicts: { object: string; detail: string }[];
  upToDate: string[];
}

/** What a server holds, read from its system tables. */
export interface ServerState {
  databases: Set<string>;
  tables: Map<string, { engine: string; createQuery: string }>;
  columns: Map<string, Map<string, { type: string }>>;
}

export async function readServerState(client: ClickHouseClient, database: string): Promise<ServerState> {
  const rows = async <T>(query: string): Promise<T[]> => (await (await client.query({ query, query_params: { db: database }, format: 'JSONEachRow' })).json()) as T[];
  const dbs = await rows<{ name: string }>(loadStatement('sql', 'schema/database'));
  const tables = await rows<{ name: string; engine: string; create_table_query: string }>(loadStatement('sql', 'schema/tables'));
  const columns = await rows<{ table: string; name: string; type: string }>(loadStatement('sql', 'schema/columns'));
  const state: ServerState = { databases: new Set(dbs.map((d) => d.name)), tables: new Map(), columns: new Map() };
  for (const t of tables) state.tables.set(`${database}.${t.name}`, { engine: t.engine, createQuery: t.create_table_query });
  for (const c of columns) {
    const key = `${database}.${c.table}`;
    if (!state.columns.has(key)) state.columns.set(key, new Map());
    state.columns.get(key)!.set(c.name, { type: c.type });
  }
  return state;
}

/** ALTER ... MODIFY TTL rewrites parts; these make it delete what is already too old, and wait. */
export const TTL_SETTINGS = { materialize_ttl_after_modify: 1, mutations_sync: '2' } as const;

export function diffServer(node: string, objects: readonly SchemaObject[], state: ServerState, onCluster: string): NodeDiff {
  const diff: NodeDiff = { node, changes: [], conflicts: [], upToDate: [] };
  for (const o of objects) {
    if (o.kind === 'database') {
      if (state.databases.has(o.name)) diff.upToDate.push(o.name);
      else diff.changes.push({ action: 'create', object: o.name, detail: 'database', statements: [o.create] });
      continue;
    }
    if (o.kind === 'view') {
      if (state.tables.has(o.name)) diff.upToDate.push(o.name);
      else diff.changes.push({ action: 'create', object: o.name, detail: 'materialized view', statements: [o.create] });
      continue;
    }
    if (o.kind === 'statement') {
      const change = statementChange(o.table, o.statement, state);
      if (change) diff.changes.push(change);
      else diff.upToDate.push(`${o.table}: ${o.statement.replace(/^ALTER TABLE \S+( ON CLUSTER \S+)?\s*/, '')}`);
      continue;
    }
    const existing = state.tables.get(o.name);
    const wantEngine = /ENGINE = (\w+)/.exec(o.create ?? '')?.[1] ?? '';
    if (!existing) {
      // A table the exporter creates when it starts: nothing of ours to do before it exists.
      if (o.create === undefined) continue;
      diff.changes.push({ action: 'create', object: o.name, detail: `${o.role} table, ${wantEngine}${o.ttl ? `, TTL ${o.ttl}` : ''}`, statements: [o.create] });
      continue;
    }
    if ((existing.engine === 'Distributed') !== (o.role === 'distributed')) {
      diff.conflicts.push({
        object: o.name,
        detail:
          `is a ${existing.engine} table, this schema wants a ${o.role === 'distributed' ? 'Distributed' : wantEngine} table there ` +
          `(a table the exporter created on one server?); move it aside (RENAME TABLE ${o.name} TO ${o.name}_old) and run schema apply again`,
      });
      continue;
    }
    let changed = false;
    if (o.columns) {
      const have = state.columns.get(o.name) ?? new Map<string, { type: string }>();
      let previous: ExporterColumn | undefined;
      for (const c of o.columns) {
        const got = have.get(c.name);
        if (!got) {
          const after = previous ? ` AFTER \`${previous.name}\`` : ' FIRST';
          diff.changes.push({
            action: 'add-column',
            object: `${o.name}.${c.name}`,
            detail: c.type,
            statements: [`ALTER TABLE ${o.name}${onCluster} ADD COLUMN IF NOT EXISTS ${columnDefinition(c)}${after}`],
          });
          changed = true;
        } else if (got.type !== c.type) {
          diff.conflicts.push({ object: `${o.name}.${c.name}`, detail: `is ${got.type}, the exporter writes ${c.type}; change the column by hand (apply never changes a column's type)` });
        }
        previous = c;
      }
    }
    if (o.ttl !== undefined) {
      const current = currentTtl(existing.createQuery);
      if (current === undefined || normalize(current) !== normalize(o.ttl)) {
        diff.changes.push({
          action: 'modify-ttl',
          object: o.name,
          detail: `${current ?? 'none'} -> ${o.ttl}`,
          statements: [`ALTER TABLE ${o.name}${onCluster} MODIFY TTL ${o.ttl}`],
        });
        changed = true;
      }
    }
    if (!changed) diff.upToDate.push(o.name);
  }
  return diff;
}

/** A rollup ALTER is needed unless the server already shows its effect; unknown kinds always run. */
function statementChange(table: string, statement: string, state: ServerState): Change | undefined {
  const what = statement.replace(/^ALTER TABLE \S+( ON CLUSTER \S+)?\s*/, '');
  const existing = state.tables.get(table);
  const column = /^ADD COLUMN IF NOT EXISTS `?(\w[\w.]*)`?/i.exec(what);
  if (column && state.columns.get(table)?.has(column[1]!)) return undefined;
  const setting = /^MODIFY SETTING (\w+) = (\S+)$/i.exec(what);
  if (setting && existing && new RegExp(`\\b${setting[1]} = ${setting[2]}\\b`).test(existing.createQuery)) return undefined;
  return { action: 'run', object: table, detail: what.split('\n')[0]!, statements: [statement] };
}

/** The TTL clause of a CREATE TABLE as system.tables holds it (one line). */
export function currentTtl(createQuery: string): string | undefined {
  return /\bTTL\s+(.+?)\s*(?:\bSETTINGS\b|$)/.exec(createQuery.replace(/\n/g, ' '))?.[1]?.trim();
}

const normalize = (s: string) => s.replace(/\s+/g, '');
