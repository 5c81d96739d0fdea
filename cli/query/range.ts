import { UserError } from '../errors.js';

/** A half-open time range [since, until). */
export interface TimeRange {
  since: Date;
  until: Date;
}

const RELATIVE = /^(\d+)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
// Date-only and date-time forms; a time without a zone is read as UTC so a range means the same
// on every machine (the storage groups by UTC days too).
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** `7d`, `24h`, `30m`, `2w` (before `now`), or an ISO date / date-time (UTC unless it names a zone). */
export function parseInstant(text: string, option: string, now: Date): Date {
  const value = text.trim();
  const rel = RELATIVE.exec(value);
  if (rel) {
    const n = Number(rel[1]);
    if (n <= 0) throw new UserError(`${option} ${text}: must be more than 0 (e.g. ${option} 7d)`);
    return new Date(now.getTime() - n * UNIT_MS[rel[2] as keyof typeof UNIT_MS]);
  }
  if (ISO.test(value)) {
    let iso = value.replace(' ', 'T');
    if (iso.length === 10) iso += 'T00:00:00Z';
    else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso += 'Z';
    const date = new Date(iso);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new UserError(`${option} ${text}: not a time; use a duration before now (30m, 24h, 7d, 2w) or an ISO date (2025-01-31 or 2025-01-31T12:00:00Z)`);
}

/** --since/--until as a range; since defaults to 30 days before until's default, now. */
export function parseRange(since: string | undefined, until: string | undefined, now = new Date(), defaultSince = '30d'): TimeRange {
  const end = until === undefined ? now : parseInstant(until, '--until', now);
  const start = parseInstant(since ?? defaultSince, '--since', now);
  if (start.getTime() >= end.getTime()) {
    throw new UserError(`--since ${since ?? defaultSince} is not before --until ${until ?? 'now'}; give a --since earlier than --until`);
  }
  return { since: start, until: end };
}

/** The range of a calendar month in UTC, from `YYYY-MM`. */
export function monthRange(text: string): TimeRange {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text.trim());
  if (!m) throw new UserError(`report month ${text}: expected a month as YYYY-MM (e.g. 2025-01)`);
  const year = Number(m[1]);
  const month = Number(m[2]) - 1;
  return { since: new Date(Date.UTC(year, month, 1)), until: new Date(Date.UTC(year, month + 1, 1)) };
}

/** ClickHouse reads a DateTime64 parameter given as Unix seconds exactly, whatever its time zone. */
export function toDateTimeParam(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}
