import { DEFAULT_USER_ATTRIBUTE } from './cli-options.js';
import { checkFilters, type QueryFilters } from './params.js';
import type { QueryResult } from './result.js';
import type { QuerySource } from './source.js';
import type { Presentation } from './table.js';

/** One table a command prints: a template and how its columns read. */
export interface Section {
  /** Key in --json output and --only. */
  key: string;
  title: string;
  template: string;
  bar?: string;
  present?: Readonly<Record<string, Presentation>>;
}

export interface Question {
  /** As typed, e.g. `query cost`: used in messages. */
  command: string;
  sections: readonly Section[];
}

export const PRESENT: Readonly<Record<string, Presentation>> = {
  cost_usd: 'usd',
  failure_rate: 'percent',
  cache_hit_ratio: 'percent',
  adoption: 'percent',
  output_input_ratio: 'ratio',
};

/** Short headers for the wide columns, so a table fits a terminal (JSON and CSV keep the names). */
export const LABELS: Readonly<Record<string, string>> = {
  cost_usd: 'COST',
  input_tokens: 'INPUT',
  output_tokens: 'OUTPUT',
  cache_read_tokens: 'CACHE READ',
  cache_creation_tokens: 'CACHE WRITE',
  output_input_ratio: 'OUT/IN',
  cache_hit_ratio: 'CACHE HIT',
  api_requests: 'REQUESTS',
  tool_calls: 'TOOL CALLS',
  tool_failures: 'TOOL FAILS',
  top_error_type: 'TOP ERROR TYPE',
};

export interface Answer {
  section: Section;
  result: QueryResult;
}

/** Runs every section of a question against the stack's storage. */
export async function answer(source: QuerySource, question: Question, filters: QueryFilters): Promise<Answer[]> {
  const templates = question.sections.flatMap((s) => source.templates(s.template));
  checkFilters(question.command, templates, filters);
  const out: Answer[] = [];
  for (const section of question.sections) out.push({ section, result: await source.run(section.template, filters) });
  return out;
}

export function describeRange(filters: QueryFilters): string {
  const f = (d: Date) =>
    d
      .toISOString()
      .replace('T', ' ')
      .replace(/:\d\d\.\d{3}Z$/, '')
      .replace(/ 00:00$/, '');
  return `${f(filters.range.since)} .. ${f(filters.range.until)} UTC`;
}

function filtersJson(filters: QueryFilters): Record<string, unknown> {
  return {
    since: filters.range.since.toISOString(),
    until: filters.range.until.toISOString(),
    ...(filters.service ? { service: filters.service } : {}),
    ...(filters.user ? { user: filters.user } : {}),
    ...(filters.model ? { model: filters.model } : {}),
    ...(filters.verb ? { verb: filters.verb } : {}),
    limit: filters.limit,
    raw: filters.raw,
    ...(filters.userAttribute !== DEFAULT_USER_ATTRIBUTE ? { userAttribute: filters.userAttribute } : {}),
  };
}

/** What `--json` prints; the dashboard's API answers with the same object, so the two cannot drift. */
export function answersJson(backend: string, question: Question, filters: QueryFilters, answers: Answer[]): Record<string, unknown> {
  const sections = Object.fromEntries(answers.map((a) => [a.section.key, { title: a.section.title, template: a.section.template, columns: a.result.columns, rows: a.result.rows }]));
  return { command: question.command, backend, filters: filtersJson(filters), ...(answers.length === 1 ? sections[answers[0]!.section.key] : { sections }) };
}
