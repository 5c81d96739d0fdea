import type { ClickHouseClient } from '@clickhouse/client';
import type { Stack } from '../stack/resolve.js';
import { ATTRIBUTE_COLUMNS, materializeAttributeColumns } from '../render/clickhouse-ddl.js';
import { waitFor } from '../runtime/readiness.js';
import { loadStatement } from '../query/templates.js';
import { openClickHouse, tableExists } from '../storage/clickhouse.js';
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
  const client = exporterOwned ? openClickHouse(stack, password, { role: 'writer' }) : undefined;
  try {
    if (client) {
      await waitFor({
        name: `table ${db}.otel_logs (created by the Collector's exporter)`,
        timeoutMs: TABLE_WAIT_MS,
        probe: () => tableExists(client, db, 'otel_logs'),
      });
    }
    const plan = await applySchema(stack, password);
    for (const node of plan.nodes) {
      const ttl = node.changes.filter((c) => c.action === 'modify-ttl').map((c) => c.object.replace(`${db}.`, ''));
      if (ttl.length > 0) progress(`clickhouse: retention ${stack.retention} applied to ${ttl.join(', ')}`);
    }
    progress(plan.owner === 'exporter' ? 'clickhouse: rollup tables, views and attribute columns in place' : `clickhouse: schema in place on cluster ${plan.cluster}`);
    if (client) await writeAttributeColumnsIntoOldParts(client, db, progress);
  } finally {
    await client?.close();
  }
}

/**
 * Events stored before this version's attribute columns existed have them computed on every read,
 * as slow as reading the maps; one background mutation writes them once. Which columns need it
 * is read from the stored parts, not from what this up added: an up interrupted between adding
 * the columns and starting the rewrite leaves parts without them, and the next up starts it.
 * Columns an unfinished mutation is already writing are left to it, and once every part stores
 * them a later up starts nothing.
 */
async function writeAttributeColumnsIntoOldParts(client: ClickHouseClient, db: string, progress: (line: string) => void): Promise<void> {
  const rs = await client.query({
    query: loadStatement('sql', 'schema/unwritten-attribute-columns'),
    query_params: { db, columns: ATTRIBUTE_COLUMNS.map((c) => c.column) },
    format: 'JSONEachRow',
  });
  const unwritten = new Set(((await rs.json()) as { name: string }[]).map((r) => r.name));
  const columns = ATTRIBUTE_COLUMNS.filter((c) => unwritten.has(c.column));
  if (columns.length === 0) return;
  // mutations_sync 0: the engine's default here is 1, which would hold `up` (and hit the
  // client's 60 s timeout) for as long as the rewrite of a large table takes.
  await client.command({ query: materializeAttributeColumns(db, columns), clickhouse_settings: { mutations_sync: '0' } });
  progress(`clickhouse: ${columns.length} attribute columns are computed on read in the events already stored; they are written into them in the background`);
}
