import type { Command } from 'commander';
import { DEFAULT_USER_ATTRIBUTE, type FilterOption, USER_ATTRIBUTES } from '../query/cli-options.js';

/**
 * The flags every question command shares. Declared here, with commander, and parsed by
 * query/cli-options.ts. Kept free of heavy imports: commands add these options at start-up,
 * before any action runs.
 */

export function addRangeOptions(cmd: Command): Command {
  return cmd
    .option('--since <when>', 'start of the range: a duration before now (30m, 24h, 7d, 2w) or an ISO date (default: 30d)')
    .option('--until <when>', 'end of the range, excluded: a duration before now or an ISO date (default: now)');
}

export function addOutputOptions(cmd: Command): Command {
  return cmd.option('--json', 'print the result as JSON').option('--csv', 'print the result as CSV');
}

/** Adds the filters a command can apply, and only those: help never offers one it would refuse. */
export function addFilterOptions(cmd: Command, defaultLimit: number, which: readonly FilterOption[]): Command {
  const all: Record<FilterOption, [string, string]> = {
    service: ['--service <name>', 'only this service (service.name)'],
    user: ['--user <id>', 'only this user: an email or user id (hashed the way the stack stores it) or the value a report shows'],
    model: ['--model <name>', 'only this model'],
    verb: ['--verb <name>', 'only this CLI verb (cli.verb)'],
    limit: ['--limit <n>', `at most this many rows (default: ${defaultLimit})`],
    raw: ['--raw', 'read raw events only, never the daily rollups (slower; for checking the rollups)'],
    'user-attribute': ['--user-attribute <name>', `resource attribute naming a user when events carry no user.email or user.id: ${USER_ATTRIBUTES.join(', ')} (default: ${DEFAULT_USER_ATTRIBUTE})`],
  };
  for (const name of which) cmd.option(...all[name]);
  return cmd;
}
