import { fillStatement } from '../query/fill-statement.js';
import type { Stack } from '../stack/resolve.js';
import { parseDuration } from '../stack/duration.js';
import { CLI_USAGE_SCOPE } from './sanitize/profiles.js';

/**
 * The statement files the DDL is rendered from, read by the caller (loadClickHouseDdlSql in
 * render/inputs.ts) so the renderer reads no disk: configs/sql/schema/rollups.sql.
 */
export interface ClickHouseDdlSql {
  rollups: string;
}

/**
 * ClickHouse objects the stack owns on top of the exporter's tables (the exporter creates
 * otel_logs and the otel_metrics_* tables itself, with `create_schema: true`): daily rollups
 * fed by materialized views, so reports read a few thousand rows instead of every event.
 *
 * Applied after the Collector has created otel_logs. Every statement is idempotent. The fixed
 * statements come from configs/sql/schema/rollups.sql; the two ALTER sections below are generated
 * from lists (ATTRIBUTE_COLUMNS, the deduplicated tables) and stay code.
 */
export function renderClickHouseDdl(stack: Stack, sql: ClickHouseDdlSql): string {
  const db = stack.clickhouse.database;
  const days = Math.max(1, Math.ceil(parseDuration(stack.retention) / 86400));
  return `${fillStatement('sql', sql.rollups, { db, days, scope: CLI_USAGE_SCOPE })}

-- The attributes the query templates filter and group by, as columns beside the attribute maps: a
-- template that reads the map reads every key of every row in its range, which was most of the
-- time of the questions without a rollup (errors, sessions, activity). The engine computes these
-- columns as the exporter's rows go in; in parts written before a column existed it computes them
-- on read, so answers are the same either way (\`up\` also rewrites those parts in the background).
${addAttributeColumns(db)}

-- Insert deduplication. The exporter retries a batch when its insert times out (10 s), yet the
-- insert may still complete: the embedded engine runs one statement at a time, so an insert queued
-- behind a long report query outlives the exporter's patience. The retry carries the identical
-- block, and with a deduplication window the engine drops it. The rollup tables need their own
-- window: the engine forwards the retried block to the materialized views above and deduplicates
-- it again in each target table (deduplicate_blocks_in_dependent_materialized_views, on by default).
${[...EXPORTER_TABLES, 'cli_usage_daily', 'claude_code_cost_daily'].map((t) => `ALTER TABLE ${db}.${t} MODIFY SETTING non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW};`).join('\n')}
`;
}

/** Tables the clickhouse exporter creates (create_schema: true) for the logs and metrics pipelines. */
export const EXPORTER_TABLES = ['otel_logs', 'otel_metrics_gauge', 'otel_metrics_sum', 'otel_metrics_summary', 'otel_metrics_histogram', 'otel_metrics_exponential_histogram'] as const;

/**
 * Blocks whose hashes the engine remembers. A retry comes within the exporter's backoff (at most
 * 30 s apart) and, with 10 consumers, a few hundred inserts later at most; 10,000 is the engine's
 * own default window for replicated tables and costs a few hundred KiB per table.
 */
export const DEDUPLICATION_WINDOW = 10_000;

/** One attribute kept as a MATERIALIZED column of otel_logs: `<map>['<key>']`, named `column`. */
export interface AttributeColumn {
  column: string;
  map: 'LogAttributes' | 'ResourceAttributes';
  key: string;
  /**
   * LowCardinality for values from a small set (names, codes, flags): a 30-day scan reads one
   * dictionary index per row instead of the string, which made errors-tools about 3x faster at
   * 10M events. Plain String for ids, hashes, numbers and free text.
   */
  type: 'LowCardinality(String)' | 'String';
}

const LOW = 'LowCardinality(String)';
const logAttribute = (column: string, key: string, type: AttributeColumn['type'] = 'String'): AttributeColumn => ({ column, map: 'LogAttributes', key, type });
const resourceAttribute = (column: string, key: string, type: AttributeColumn['type'] = 'String'): AttributeColumn => ({ column, map: 'ResourceAttributes', key, type });

/**
 * Every attribute a query template under configs/queries/clickhouse reads (the templates read
 * these columns, never the maps). The resource attributes are the identity fallbacks the CLI
 * accepts (USER_ATTRIBUTES in cli/query/cli-options.ts) and the install fingerprint.
 */
export const ATTRIBUTE_COLUMNS: readonly AttributeColumn[] = [
  logAttribute('AttrEventName', 'event.name', LOW),
  logAttribute('AttrCliVerb', 'cli.verb', LOW),
  logAttribute('AttrCliExitCode', 'cli.exit_code', LOW),
  logAttribute('AttrCliFingerprint', 'cli.fingerprint'),
  logAttribute('AttrUserEmail', 'user.email'),
  logAttribute('AttrUserId', 'user.id'),
  logAttribute('AttrSessionId', 'session.id'),
  logAttribute('AttrModel', 'model', LOW),
  logAttribute('AttrCostUsd', 'cost_usd'),
  logAttribute('AttrInputTokens', 'input_tokens'),
  logAttribute('AttrOutputTokens', 'output_tokens'),
  logAttribute('AttrCacheReadTokens', 'cache_read_tokens'),
  logAttribute('AttrCacheCreationTokens', 'cache_creation_tokens'),
  logAttribute('AttrStatusCode', 'status_code', LOW),
  logAttribute('AttrError', 'error'),
  logAttribute('AttrToolName', 'tool_name', LOW),
  logAttribute('AttrSuccess', 'success', LOW),
  logAttribute('AttrErrorType', 'error_type', LOW),
  resourceAttribute('ResourceCliFingerprint', 'cli.fingerprint'),
  resourceAttribute('ResourceTeam', 'team', LOW),
  resourceAttribute('ResourceDepartment', 'department', LOW),
  resourceAttribute('ResourceCostCenter', 'cost_center', LOW),
];

/** The expression a column is computed from: the map lookup a template would otherwise make. */
export const attributeExpression = (c: AttributeColumn): string => `${c.map}['${c.key}']`;

/** One ALTER that adds every attribute column the table lacks (ADD COLUMN IF NOT EXISTS). */
function addAttributeColumns(db: string): string {
  const adds = ATTRIBUTE_COLUMNS.map((c) => `    ADD COLUMN IF NOT EXISTS ${c.column} ${c.type} MATERIALIZED ${attributeExpression(c)} CODEC(ZSTD(1))`);
  return `ALTER TABLE ${db}.otel_logs\n${adds.join(',\n')};`;
}

/**
 * Writes the given attribute columns into the parts stored before they existed: one mutation,
 * which the engine runs in the background (until then those parts compute them on read). For
 * `up` on a stack whose otel_logs lacked them; new parts get them on insert.
 */
export function materializeAttributeColumns(db: string, columns: readonly AttributeColumn[]): string {
  return `ALTER TABLE ${db}.otel_logs ${columns.map((c) => `MATERIALIZE COLUMN ${c.column}`).join(', ')}`;
}
