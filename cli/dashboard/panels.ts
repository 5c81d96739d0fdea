import type { Question } from '../query/ask.js';
import type { FilterOption } from '../query/cli-options.js';
import { COST, ERROR_SECTIONS, EVENTS, SESSIONS, TOKENS, USAGE_TOP } from '../query/questions.js';

/**
 * What each /api/<name> endpoint answers: the CLI's own question (same template, same section,
 * same default limit as `query <name>` or `usage top`), so a panel and `--json` cannot disagree.
 */
export interface Panel {
  question: Question;
  /** The CLI command whose `--json` output this endpoint equals. */
  cli: string;
  limit: number;
  filters: readonly FilterOption[];
}

const one = (command: string, section: (typeof ERROR_SECTIONS)[number]): Question => ({ command, sections: [section] });

export const PANELS: Readonly<Record<string, Panel>> = {
  usage: { question: USAGE_TOP, cli: 'usage top', limit: 20, filters: ['service', 'limit', 'raw'] },
  cost: { question: COST, cli: 'query cost', limit: 100, filters: ['user', 'model', 'limit', 'raw', 'user-attribute'] },
  tokens: { question: TOKENS, cli: 'query tokens', limit: 50, filters: ['user', 'model', 'limit', 'raw', 'user-attribute'] },
  'errors-api': { question: one('query errors', ERROR_SECTIONS[0]), cli: 'query errors --only api', limit: 20, filters: ['user', 'model', 'limit', 'raw', 'user-attribute'] },
  'errors-tools': { question: one('query errors', ERROR_SECTIONS[1]), cli: 'query errors --only tools', limit: 20, filters: ['user', 'limit', 'raw', 'user-attribute'] },
  'errors-verbs': { question: one('query errors', ERROR_SECTIONS[2]), cli: 'query errors --only verbs', limit: 20, filters: ['service', 'limit', 'raw'] },
  sessions: { question: SESSIONS, cli: 'query sessions', limit: 20, filters: ['user', 'limit', 'user-attribute'] },
  events: { question: EVENTS, cli: 'query events', limit: 50, filters: ['service', 'verb', 'user', 'limit', 'user-attribute'] },
};
