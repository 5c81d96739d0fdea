import type { QueryResult } from './result.js';

/** RFC 4180: a header row, then one row per result row; fields quoted when they must be. */
export function renderCsv(result: QueryResult): string {
  const field = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [result.columns.map((c) => field(c.name)).join(',')];
  for (const row of result.rows) lines.push(result.columns.map((c) => field(row[c.name])).join(','));
  return lines.join('\r\n') + '\r\n';
}
