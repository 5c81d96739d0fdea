/** What every query returns, whatever the storage: named, typed columns and plain rows. */

export type ColumnKind = 'number' | 'text' | 'time';
export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface Column {
  name: string;
  kind: ColumnKind;
  /** The storage's own type name, for --json readers (e.g. `UInt64`, `Nullable(Float64)`). */
  type: string;
}

export interface QueryResult {
  columns: Column[];
  rows: Row[];
}

const NUMBER_TYPE = /^(?:Nullable\()?(?:U?Int\d+|Float\d+|Decimal|Bool\b)/;
const TIME_TYPE = /^(?:Nullable\()?(?:Date|DateTime)/;

export function columnKind(type: string): ColumnKind {
  if (NUMBER_TYPE.test(type)) return 'number';
  if (TIME_TYPE.test(type)) return 'time';
  return 'text';
}

/**
 * ClickHouse's JSON output quotes 64-bit integers (JavaScript cannot hold all of them); counts
 * and token sums here stay far below 2^53, so they become plain numbers.
 */
export function normalizeCell(value: unknown, kind: ColumnKind): Cell {
  if (value === null || value === undefined) return null;
  if (kind === 'number') {
    if (typeof value === 'boolean') return value ? 1 : 0;
    const n = typeof value === 'number' ? value : Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return typeof value === 'string' ? value : typeof value === 'number' ? value : JSON.stringify(value);
}
