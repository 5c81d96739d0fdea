import { UserError } from '../errors.js';
import type { Stack } from '../stack/resolve.js';
import type { ParamValues } from './clickhouse.js';
import { storedUserId } from './identity.js';
import { toDateTimeParam, type TimeRange } from './range.js';
import type { Template } from './templates.js';

/** What a person can narrow a question by; empty strings mean "no filter". */
export interface QueryFilters {
  range: TimeRange;
  service: string;
  /** As typed: a raw email / user id, or the stored value a report shows. */
  user: string;
  model: string;
  /** A CLI verb (cli.verb); only the events template reads it. Absent means no filter. */
  verb?: string;
  limit: number;
  /** Read otel_logs only, never the daily rollups. */
  raw: boolean;
  /** Resource attribute that names a user when events carry no user.email / user.id. */
  userAttribute: string;
  minGroup: number;
}

const FILTER_OPTIONS: Record<string, { option: string; set: (f: QueryFilters) => boolean }> = {
  service: { option: '--service', set: (f) => f.service !== '' },
  user: { option: '--user', set: (f) => f.user !== '' },
  model: { option: '--model', set: (f) => f.model !== '' },
  verb: { option: '--verb', set: (f) => (f.verb ?? '') !== '' },
  raw: { option: '--raw', set: (f) => f.raw },
  user_attribute: { option: '--user-attribute', set: (f) => f.userAttribute !== 'team' },
};

/** A filter none of a command's templates can apply is refused rather than silently ignored. */
export function checkFilters(command: string, templates: readonly Template[], filters: QueryFilters): void {
  for (const [param, { option, set }] of Object.entries(FILTER_OPTIONS)) {
    if (!set(filters)) continue;
    if (templates.some((t) => t.params.has(param))) continue;
    throw new UserError(`${command}: ${option} does not apply here (${whyNot(param, command)}); remove ${option}`);
  }
}

function whyNot(param: string, command: string): string {
  if (param === 'service') return 'Claude Code events all come from service claude-code';
  if (param === 'model') return command.includes('usage') || command.includes('verbs') ? 'CLI events carry no model' : 'these events carry no model';
  if (param === 'user') return command.includes('usage') ? 'CLI events carry only an anonymous install fingerprint, no user' : 'these events carry no user';
  if (param === 'raw') return 'it reads raw events already';
  if (param === 'user_attribute') return 'it has no user column';
  return 'no template reads it';
}

/** Every ClickHouse parameter a template may name, from the filters. */
export function clickHouseValues(stack: Stack, env: NodeJS.ProcessEnv, filters: QueryFilters): ParamValues {
  return {
    since: toDateTimeParam(filters.range.since),
    until: toDateTimeParam(filters.range.until),
    service: filters.service,
    user: filters.user,
    // Hashed only when a user is given: reading the key is not needed otherwise.
    user_hash: filters.user ? storedUserId(stack, env, filters.user) : '',
    model: filters.model,
    verb: filters.verb ?? '',
    limit: filters.limit,
    raw: filters.raw ? 1 : 0,
    user_attribute: filters.userAttribute,
    min_group: filters.minGroup,
  };
}
