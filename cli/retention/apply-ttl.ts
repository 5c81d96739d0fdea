/** Every table's TTL follows the stack file's retention; cli/schema compares and applies it. */
import { parseDuration } from '../stack/duration.js';
import type { RetainedTable } from './tables.js';

/** The TTL expression ClickHouse itself prints for a retention (days when whole, else hours). */
export function ttlExpression(table: RetainedTable, retention: string): string {
  const seconds = parseDuration(retention);
  const interval = seconds % 86400 === 0 ? `toIntervalDay(${seconds / 86400})` : `toIntervalHour(${Math.max(1, Math.ceil(seconds / 3600))})`;
  if (table.kind === 'rollup') return `${table.time} + toIntervalDay(${Math.max(1, Math.ceil(seconds / 86400))})`;
  return `toDateTime(${table.time}) + ${interval}`;
}
