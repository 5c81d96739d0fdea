import type { Row } from '../query/result.js';
import { int, pct, ratio, shortUser, usd } from './format.js';
import type { MonthReport } from './month.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

function table(header: string[], rows: string[][], align: ('l' | 'r')[]): string {
  if (rows.length === 0) return '_none_\n';
  const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.map((c) => cell(c)).join(' | ')} |`).join('\n') + '\n';
}

const s = (r: Row, k: string) => String(r[k] ?? '');
const n = (r: Row, k: string) => Number(r[k] ?? 0);

export function renderMonthMarkdown(report: MonthReport): string {
  const t = report.totals;
  const out: string[] = [];
  out.push(`# Telemetry report ${report.month}\n`);
  out.push(`Range ${report.range.since} .. ${report.range.until} (UTC, end excluded). Generated ${report.generatedAt}.\n`);
  out.push('## Summary\n');
  out.push(
    table(
      ['Measure', 'Value'],
      [
        ['Claude Code cost', usd(t.costUsd)],
        ['API requests', int(t.requests)],
        ['Input tokens', int(t.inputTokens)],
        ['Output tokens', int(t.outputTokens)],
        ['Users', int(t.users)],
        ['Models', int(t.models)],
        ['CLI commands', int(t.cliEvents)],
        ['API errors', int(t.apiErrors)],
      ],
      ['l', 'r'],
    ),
  );
  out.push('## Cost per day\n');
  out.push(table(['Day', 'Cost', 'Requests'], report.costPerDay.filter((d) => d.requests > 0).map((d) => [d.day, usd(d.costUsd), int(d.requests)]), ['l', 'r', 'r']));
  out.push('## Cost per user and model\n');
  out.push(
    table(
      ['User', 'Model', 'Cost', 'Requests', 'Input tokens', 'Output tokens'],
      report.costPerUserModel.map((r) => [shortUser(r.user), r.model, usd(r.costUsd), int(r.requests), int(r.inputTokens), int(r.outputTokens)]),
      ['l', 'l', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('## Tokens per model\n');
  out.push(
    table(
      ['Model', 'Requests', 'Input', 'Output', 'Cache read', 'Output/input', 'Cache hit'],
      report.tokens.map((r) => [s(r, 'model'), int(n(r, 'requests')), int(n(r, 'input_tokens')), int(n(r, 'output_tokens')), int(n(r, 'cache_read_tokens')), ratio(r['output_input_ratio'] as number | null), pct(r['cache_hit_ratio'] as number | null)]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('## Top verbs\n');
  out.push(
    table(
      ['Service', 'Verb', 'Events', 'Users', 'Failures', 'Failure rate'],
      report.topVerbs.map((r) => [s(r, 'service'), s(r, 'verb'), int(n(r, 'events')), int(n(r, 'users')), int(n(r, 'failures')), pct(n(r, 'failure_rate'))]),
      ['l', 'l', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('## Errors\n');
  out.push('### API errors\n');
  out.push(table(['Status', 'Error', 'Count'], report.apiErrors.map((e) => [e.statusCode, e.error, int(e.errors)]), ['l', 'l', 'r']));
  out.push('### Failing tools\n');
  out.push(
    table(
      ['Tool', 'Calls', 'Failures', 'Failure rate', 'Top error type'],
      report.failingTools.map((r) => [s(r, 'tool'), int(n(r, 'calls')), int(n(r, 'failures')), pct(n(r, 'failure_rate')), s(r, 'top_error_type')]),
      ['l', 'r', 'r', 'r', 'l'],
    ),
  );
  out.push('### Failing verbs\n');
  out.push(
    table(
      ['Service', 'Verb', 'Failures', 'Events', 'Failure rate'],
      report.failingVerbs.map((r) => [s(r, 'service'), s(r, 'verb'), int(n(r, 'failures')), int(n(r, 'events')), pct(n(r, 'failure_rate'))]),
      ['l', 'l', 'r', 'r', 'r'],
    ),
  );
  return out.join('\n');
}
