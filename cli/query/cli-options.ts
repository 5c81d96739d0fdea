import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { parseRange } from './range.js';
import type { QueryFilters } from './params.js';

/**
 * The options every question command shares, and their parsing into filters. Kept free of heavy
 * imports: commands add these options at start-up, before any action runs.
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

export const MAX_LIMIT = 1_000_000;
const USER_ATTRIBUTE_CHOICES = ['team', 'department', 'cost_center'];

export function addRangeOptions(cmd: Command): Command {
  return cmd
    .option('--since <when>', 'start of the range: a duration before now (30m, 24h, 7d, 2w) or an ISO date (default: 30d)')
    .option('--until <when>', 'end of the range, excluded: a duration before now or an ISO date (default: now)');
}

export function addOutputOptions(cmd: Command): Command {
  return cmd.option('--json', 'print the result as JSON').option('--csv', 'print the result as CSV');
}

export type FilterOption = 'service' | 'user' | 'model' | 'verb' | 'limit' | 'raw' | 'user-attribute';

/** Adds the filters a command can apply, and only those: help never offers one it would refuse. */
export function addFilterOptions(cmd: Command, defaultLimit: number, which: readonly FilterOption[]): Command {
  const all: Record<FilterOption, [string, string]> = {
    service: ['--service <name>', 'only this service (service.name)'],
    user: ['--user <id>', 'only this user: an email or user id (hashed the way the stack stores it) or the value a report shows'],
    model: ['--model <name>', 'only this model'],
    verb: ['--verb <name>', 'only this CLI verb (cli.verb)'],
    limit: ['--limit <n>', `at most this many rows (default: ${defaultLimit})`],
    raw: ['--raw', 'read raw events only, never the daily rollups (slower; for checking the rollups)'],
    'user-attribute': [
      '--user-attribute <name>',
      `resource attribute naming a user when events carry no user.email or user.id: ${USER_ATTRIBUTE_CHOICES.join(', ')} (default: team)`,
    ],
  };
  for (const name of which) cmd.option(...all[name]);
  return cmd;
}

export function parseLimit(text: string | undefined, defaultLimit: number): number {
  if (text === undefined) return defaultLimit;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > MAX_LIMIT) {
    throw new UserError(`--limit ${text}: expected a whole number from 1 to ${MAX_LIMIT}`);
  }
  return Number(text);
}

export function parseFilters(o: QueryOptionValues, defaultLimit: number, now = new Date()): QueryFilters {
  const userAttribute = o.userAttribute ?? 'team';
  if (!USER_ATTRIBUTE_CHOICES.includes(userAttribute)) {
    throw new UserError(`--user-attribute ${userAttribute}: the stack keeps only ${USER_ATTRIBUTE_CHOICES.join(', ')} as resource attributes; use one of those`);
  }
  for (const [option, value] of [['--service', o.service], ['--user', o.user], ['--model', o.model], ['--verb', o.verb]] as const) {
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
