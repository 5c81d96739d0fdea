import { localName, schemaLayout } from '../schema/layout.js';
import type { Stack } from '../stack/resolve.js';
import { storageEndpoint } from '../stack/storage-endpoint.js';
import { openClickHouse } from '../storage/clickhouse.js';
import { fillStatement } from '../query/fill-statement.js';
import { loadStatement } from '../query/templates.js';
import { ATTR_USER_ID } from '../vocabulary/claude-code.js';
import { CANARY_METRIC_NAME, type Canary } from './canary.js';
import type { ProbeResult, StorageProbe, StoredCanary } from './storage-probe.js';

const NEEDED_TABLES = ['otel_logs', 'otel_metrics_sum', 'cli_usage_daily', 'claude_code_cost_daily'];

/** `password`: the reader's (verify only reads). */
export function clickhouseProbe(stack: Stack, password: string): StorageProbe {
  const client = openClickHouse(stack, password, { role: 'reader' });
  const db = stack.clickhouse.database;
  const where = storageEndpoint(stack).label;
  const rows = async <T>(query: string, params: Record<string, unknown> = {}) => (await (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json()) as T[];

  return {
    signals: ['logs', 'metrics'],
    userIdKey: ATTR_USER_ID,
    async check(): Promise<ProbeResult> {
      try {
        const tables = new Set((await rows<{ name: string }>(loadStatement('sql', 'schema/table-names'), { db })).map((r) => r.name));
        const missing = NEEDED_TABLES.filter((t) => !tables.has(t));
        if (missing.length > 0) return { ok: false, detail: `missing tables in ${db}: ${missing.join(', ')}`, hint: 'run telemetry-stack up (it creates them)' };
        return { ok: true, detail: `${where} answers; ${NEEDED_TABLES.length} tables present in ${db}` };
      } catch (e) {
        return { ok: false, detail: `${where}: ${firstLine(e)}`, hint: 'see telemetry-stack logs clickhouse' };
      }
    },
    async findCanary(canary: Canary) {
      const [log] = await rows<{ Body: string; LogAttributes: Record<string, string>; ResourceAttributes: Record<string, string> }>(
        fillStatement('sql', loadStatement('sql', 'verify/canary-log'), { db }),
        { id: canary.id },
      );
      const [metric] = await rows<{ n: string }>(fillStatement('sql', loadStatement('sql', 'verify/canary-metric'), { db }), { id: canary.id, metric: CANARY_METRIC_NAME });
      const stored: StoredCanary | undefined = log && { body: log.Body, attributes: log.LogAttributes, raw: JSON.stringify(log) };
      return { ...(stored ? { log: stored } : {}), metric: Number(metric?.n ?? 0) > 0 };
    },
    async retention(): Promise<ProbeResult> {
      // On a cluster the rows, and so the TTL, are in the local table under the Distributed one.
      const table = schemaLayout(stack).owner === 'exporter' ? 'otel_logs' : localName('otel_logs');
      try {
        const ddl = await (await client.query({ query: fillStatement('sql', loadStatement('sql', 'verify/show-create-table'), { db, table }), format: 'TabSeparatedRaw' })).text();
        const ttl = /\bTTL\b([^\n]*)/.exec(ddl);
        if (!ttl) return { ok: false, detail: `${table} has no TTL`, hint: 'set retention in the stack file and run telemetry-stack schema apply' };
        return { ok: true, detail: `${table} TTL ${ttl[1]!.trim()} (stack retention ${stack.retention})` };
      } catch (e) {
        return { ok: false, detail: firstLine(e) };
      }
    },
    close: () => client.close(),
  };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
}
