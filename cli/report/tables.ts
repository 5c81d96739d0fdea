import type { Row } from '../query/result.js';
import { int, pct, ratio, shortUser, usd } from './format.js';
import type { MonthReport } from './month.js';

/** One table of the month report: what it shows, independent of markdown or HTML. */
export interface ReportTable {
  header: string[];
  rows: string[][];
  /** Per column: right-aligned number. */
  numeric: boolean[];
}

const s = (r: Row, k: string) => String(r[k] ?? '');
const n = (r: Row, k: string) => Number(r[k] ?? 0);

/** The summary as measure/value pairs (markdown gives it a header, HTML a plain two-column table). */
export function summaryRows(report: MonthReport): string[][] {
  const t = report.totals;
  return [
    ['Claude Code cost', usd(t.costUsd)],
    ['API requests', int(t.requests)],
    ['Input tokens', int(t.inputTokens)],
    ['Output tokens', int(t.outputTokens)],
    ['Users', int(t.users)],
    ['Models', int(t.models)],
    ['CLI commands', int(t.cliEvents)],
    ['API errors', int(t.apiErrors)],
  ];
}

/** The tables both report formats print, defined once so the two never disagree. */
export function reportTables(report: MonthReport): Record<'costPerUserModel' | 'tokens' | 'topVerbs' | 'apiErrors' | 'failingTools' | 'failingVerbs', ReportTable> {
  return {
    costPerUserModel: {
      header: ['User', 'Model', 'Cost', 'Requests', 'Input tokens', 'Output tokens'],
      rows: report.costPerUserModel.map((r) => [shortUser(r.user), r.model, usd(r.costUsd), int(r.requests), int(r.inputTokens), int(r.outputTokens)]),
      numeric: [false, false, true, true, true, true],
    },
    tokens: {
      header: ['Model', 'Requests', 'Input', 'Output', 'Cache read', 'Output/input', 'Cache hit'],
      rows: report.tokens.map((r) => [
        s(r, 'model'),
        int(n(r, 'requests')),
        int(n(r, 'input_tokens')),
        int(n(r, 'output_tokens')),
        int(n(r, 'cache_read_tokens')),
        ratio(r['output_input_ratio'] as number | null),
        pct(r['cache_hit_ratio'] as number | null),
      ]),
      numeric: [false, true, true, true, true, true, true],
    },
    topVerbs: {
      header: ['Service', 'Verb', 'Events', 'Users', 'Failures', 'Failure rate'],
      rows: report.topVerbs.map((r) => [s(r, 'service'), s(r, 'verb'), int(n(r, 'events')), int(n(r, 'users')), int(n(r, 'failures')), pct(n(r, 'failure_rate'))]),
      numeric: [false, false, true, true, true, true],
    },
    apiErrors: {
      header: ['Status', 'Error', 'Count'],
      rows: report.apiErrors.map((e) => [e.statusCode, e.error, int(e.errors)]),
      numeric: [false, false, true],
    },
    failingTools: {
      header: ['Tool', 'Calls', 'Failures', 'Failure rate', 'Top error type'],
      rows: report.failingTools.map((r) => [s(r, 'tool'), int(n(r, 'calls')), int(n(r, 'failures')), pct(n(r, 'failure_rate')), s(r, 'top_error_type')]),
      numeric: [false, true, true, true, false],
    },
    failingVerbs: {
      header: ['Service', 'Verb', 'Failures', 'Events', 'Failure rate'],
      rows: report.failingVerbs.map((r) => [s(r, 'service'), s(r, 'verb'), int(n(r, 'failures')), int(n(r, 'events')), pct(n(r, 'failure_rate'))]),
      numeric: [false, false, true, true, true],
    },
  };
}
