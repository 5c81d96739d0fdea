import type { Stack } from '../stack/resolve.js';
import { countRows } from '../retention/tables.js';
import { ATTRIBUTE_COLUMNS, materializeAttributeColumns } from '../render/clickhouse-ddl.js';
import { waitFor } from '../runtime/readiness.js';
import { openClickHouse, tableColumns, tableExists } from '../storage/clickhouse.js';
import { applySchema } from './apply.js';
import { schemaLayout } from './layout.js';

/** How long `up` waits for the exporter to create otel_logs: as long as it waits for any part to be ready. */
const TABLE_WAIT_MS = 60_000;

/**
 * `schema apply` as part of up. On one server the exporter creates its tables when it starts and
 * the rollups read otel_logs, so they wait for it; on a cluster the schema is telemetry-stack's
 * own and needs nothing first (the exporter retries its first inserts until the tables exist).
 * Either way every table's TTL is brought to the stack file's retention (it may have changed).
 */
export async function applyRollups(stack: Stack, password: string, progress: (line: string) => void): Promise<void> {
  const db = stack.clickhouse.database;
  const exporterOwned = schemaLayout(stack).owner === 'exporter';
  let columnsBefore = new Set<string>();
  if (exporterOwned) {
    const client = openClickHouse(stack, password, { role: 'writer' });
    try {
      await waitFor({
        name: `table ${db}.otel_logs (created by the Collector's exporter)`,
        timeoutMs: TABLE_WAIT_MS,
        probe: () => tableExists(client, db, 'otel_logs'),
      });
      columnsBefore = await tableColumns(client, db, 'otel_logs');
    } finally {
      await client.close();
    }
  }
  const plan = await applySchema(stack, password);
  for (const node of plan.nodes) {
    const ttl = node.changes.filter((c) => c.action === 'modify-ttl').map((c) => c.object.replace(`${db}.`, ''));
    if (ttl.length > 0) progress(`clickhouse: retention ${stack.retention} applied to ${ttl.join(', ')}`);
  }
  progress(plan.owner === 'exporter' ? 'clickhouse: rollup tables, views and attribute columns in place' : `clickhouse: schema in place on cluster ${plan.cluster}`);
  if (exporterOwned) await materializeNewAttributeColumns(stack, password, columnsBefore, progress);
}

/**
 * Events stored before this version's attribute columns existed have them computed on every read,
 * as slow as reading the maps; one background mutation writes them once. Only when a column was
 * just added, so a later `up` does not rewrite the table again.
 */
async function materializeNewAttributeColumns(stack: Stack, password: string, before: ReadonlySet<string>, progress: (line: string) => void): Promise<void> {
  const added = ATTRIBUTE_COLUMNS.filter((c) => !before.has(c.column));
  if (added.length === 0) return;
  const db = stack.clickhouse.database;
  const client = openClickHouse(stack, password, { role: 'writer' });
  try {
    if ((await countRows(client, `SELECT count() AS n FROM ${db}.otel_logs`, {})) === 0) return;
    // mutations_sync 0: the engine's default here is 1, which would hold `up` (and hit the
    // client's 60 s timeout) for as long as the rewrite of a large table takes.
    await client.command({ query: materializeAttributeColumns(db, added), clickhouse_settings: { mutations_sync: '0' } });
    progress(`clickhouse: ${added.length} attribute columns added; the events already stored get them in the background`);
  } finally {
    await client.close();
  }
}
