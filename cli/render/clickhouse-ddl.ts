import { fillStatement } from '../query/fill-statement.js';
import type { Stack } from '../stack/resolve.js';
import { parseDuration } from '../stack/duration.js';
import { ATTR_EVENT_NAME, ATTR_EXIT_CODE, ATTR_VERB, RESOURCE_FINGERPRINT, SCOPE_NAME } from '@telemetry-stack/client/names';
import {
  ATTR_CACHE_CREATION_TOKENS,
  ATTR_CACHE_READ_TOKENS,
  ATTR_COST_USD,
  ATTR_ERROR,
  ATTR_ERROR_TYPE,
  ATTR_INPUT_TOKENS,
  ATTR_MODEL,
  ATTR_OUTPUT_TOKENS,
  ATTR_SESSION_ID,
  ATTR_STATUS_CODE,
  ATTR_SUCCESS,
  ATTR_TOOL_NAME,
  ATTR_USER_EMAIL,
  ATTR_USER_ID,
  RESOURCE_COST_CENTER,
  RESOURCE_DEPARTMENT,
  RESOURCE_TEAM,
} from '../vocabulary/claude-code.js';

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
  return `${fillStatement('sql', sql.rollups, { db, days, scope: SCOPE_NAME })}

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
  logAttribute('AttrEventName', ATTR_EVENT_NAME, LOW),
  logAttribute('AttrCliVerb', ATTR_VERB, LOW),
  logAttribute('AttrCliExitCode', ATTR_EXIT_CODE, LOW),
  // Our client sends the fingerprint as a resource attribute; other clients may send it on the record.
  logAttribute('AttrCliFingerprint', RESOURCE_FINGERPRINT),
  logAttribute('AttrUserEmail', ATTR_USER_EMAIL),
  logAttribute('AttrUserId', ATTR_USER_ID),
  logAttribute('AttrSessionId', ATTR_SESSION_ID),
  logAttribute('AttrModel', ATTR_MODEL, LOW),
  logAttribute('AttrCostUsd', ATTR_COST_USD),
  logAttribute('AttrInputTokens', ATTR_INPUT_TOKENS),
  logAttribute('AttrOutputTokens', ATTR_OUTPUT_TOKENS),
  logAttribute('AttrCacheReadTokens', ATTR_CACHE_READ_TOKENS),
  logAttribute('AttrCacheCreationTokens', ATTR_CACHE_CREATION_TOKENS),
  logAttribute('AttrStatusCode', ATTR_STATUS_CODE, LOW),
  logAttribute('AttrError', ATTR_ERROR),
  logAttribute('AttrToolName', ATTR_TOOL_NAME, LOW),
  logAttribute('AttrSuccess', ATTR_SUCCESS, LOW),
  logAttribute('AttrErrorType', ATTR_ERROR_TYPE, LOW),
  resourceAttribute('ResourceCliFingerprint', RESOURCE_FINGERPRINT),
  resourceAttribute('ResourceTeam', RESOURCE_TEAM, LOW),
  resourceAttribute('ResourceDepartment', RESOURCE_DEPARTMENT, LOW),
  resourceAttribute('ResourceCostCenter', RESOURCE_COST_CENTER, LOW),
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
