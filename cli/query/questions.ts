import type { Question } from './ask.js';

/** What each command asks, which template answers it, and how its table reads. */

export const USAGE_TOP: Question = {
  command: 'usage top',
  sections: [{ key: 'verbs', title: 'Verbs by use (users = distinct installs)', template: 'usage-top', bar: 'events' }],
};

export const COST: Question = {
  command: 'query cost',
  sections: [{ key: 'cost', title: 'Claude Code cost per day, user and model', template: 'cost', bar: 'cost_usd' }],
};

export const TOKENS: Question = {
  command: 'query tokens',
  sections: [{ key: 'tokens', title: 'Tokens per model', template: 'tokens', bar: 'output_tokens' }],
};

export const ERROR_SECTIONS = [
  { key: 'api', title: 'API errors by status code and error, over time', template: 'errors-api', bar: 'errors' },
  { key: 'tools', title: 'Failing tools (tool_result success=false)', template: 'errors-tools', bar: 'failures' },
  { key: 'verbs', title: 'Failing CLI verbs (exit code not 0)', template: 'errors-verbs', bar: 'failures' },
] as const;

export const SESSIONS: Question = {
  command: 'query sessions',
  sections: [{ key: 'sessions', title: 'Claude Code sessions, newest first', template: 'sessions', bar: 'cost_usd' }],
};

export const INSIGHT_SECTIONS = [
  { key: 'services', title: 'Adoption per CLI (installs)', template: 'insights-services', bar: 'installs' },
  { key: 'verbs', title: "Adoption per verb (share of the CLI's installs)", template: 'insights-verbs', bar: 'adoption' },
  { key: 'activity', title: 'Installs by commands run (size buckets)', template: 'insights-activity', bar: 'installs' },
] as const;

export const EVENTS: Question = {
  command: 'query events',
  sections: [{ key: 'events', title: 'Recent events, newest first (sanitized fields only)', template: 'events' }],
};
