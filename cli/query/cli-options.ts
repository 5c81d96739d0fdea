import { UserError } from '../errors.js';
import { RESOURCE_COST_CENTER, RESOURCE_DEPARTMENT, RESOURCE_TEAM } from '../vocabulary/claude-code.js';
import { parseRange } from './range.js';
import type { QueryFilters } from './params.js';

/**
 * The values of the options every question command shares, and their parsing into filters. The
 * options themselves (flags and help) are declared in commands/query-options.ts; the dashboard
 * parses its URL parameters with the same functions.
 */
export interface QueryOptionValues {
  file?: string;
  since?: string;
  until?: string;
  service?: string;
  user?: string;
  model?: string;
  verb?: string;
  limit?: string;
  json?: boolean;
  csv?: boolean;
  raw?: boolean;
  userAttribute?: string;
}

export type OutputMode = 'table' | 'json' | 'csv';

/** The filters a question command can offer. */
export type FilterOption = 'service' | 'user' | 'model' | 'verb' | 'limit' | 'raw' | 'user-attribute';

export const MAX_LIMIT = 1_000_000;
/** Resource attributes the claude-code profile keeps; any other would be empty after sanitizing. */
export const USER_ATTRIBUTES: readonly string[] = [RESOURCE_TEAM, RESOURCE_DEPARTMENT, RESOURCE_COST_CENTER];
/** The one a question uses when --user-attribute is not given. */
export const DEFAULT_USER_ATTRIBUTE = RESOURCE_TEAM;

export function parseLimit(text: string | undefined, defaultLimit: number): number {
  if (text === undefined) return defaultLimit;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > MAX_LIMIT) {
    throw new UserError(`--limit ${text}: expected a whole number from 1 to ${MAX_LIMIT}`);
  }
  return Number(text);
}

export function parseFilters(o: QueryOptionValues, defaultLimit: number, now = new Date()): QueryFilters {
  const userAttribute = o.userAttribute ?? DEFAULT_USER_ATTRIBUTE;
  if (!USER_ATTRIBUTES.includes(userAttribute)) {
    throw new UserError(`--user-attribute ${userAttribute}: the stack keeps only ${USER_ATTRIBUTES.join(', ')} as resource attributes; use one of those`);
  }
  for (const [option, value] of [
    ['--service', o.service],
    ['--user', o.user],
    ['--model', o.model],
    ['--verb', o.verb],
  ] as const) {
    if (value !== undefined && value.trim() === '') throw new UserError(`${option}: empty; give a value or leave ${option} out`);
  }
  return {
    range: parseRange(o.since, o.until, now),
    service: o.service?.trim() ?? '',
    user: o.user?.trim() ?? '',
    model: o.model?.trim() ?? '',
    ...(o.verb !== undefined ? { verb: o.verb.trim() } : {}),
    limit: parseLimit(o.limit, defaultLimit),
    raw: o.raw ?? false,
    userAttribute,
    minGroup: 0,
  };
}

export function outputMode(o: { json?: boolean; csv?: boolean }): OutputMode {
  if (o.json && o.csv) throw new UserError('--json and --csv both given; pick one');
  return o.json ? 'json' : o.csv ? 'csv' : 'table';
}
