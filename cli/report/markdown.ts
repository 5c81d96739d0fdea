import { int, usd } from './format.js';
import type { MonthReport } from './month.js';
import { reportTables, summaryRows, type ReportTable } from './tables.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

function table(header: string[], rows: string[][], align: ('l' | 'r')[]): string {
  if (rows.length === 0) return '_none_\n';
  const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.map((c) => cell(c)).join(' | ')} |`).join('\n') + '\n';
}

/** Markdown for one report table: numbers right-aligned. */
function tableOf(t: ReportTable): string {
  return table(
    t.header,
    t.rows,
    t.numeric.map((isNumber) => (isNumber ? 'r' : 'l')),
  );
}

export function renderMonthMarkdown(report: MonthReport): string {
  const tables = reportTables(report);
  const out: string[] = [];
  out.push(`# Telemetry report ${report.month}\n`);
  out.push(`Range ${report.range.since} .. ${report.range.until} (UTC, end excluded). Generated ${report.generatedAt}.\n`);
  out.push('## Summary\n');
  out.push(table(['Measure', 'Value'], summaryRows(report), ['l', 'r']));
  out.push('## Cost per day\n');
  out.push(
    table(
      ['Day', 'Cost', 'Requests'],
      report.costPerDay.filter((d) => d.requests > 0).map((d) => [d.day, usd(d.costUsd), int(d.requests)]),
      ['l', 'r', 'r'],
    ),
  );
  out.push('## Cost per user and model\n');
  out.push(tableOf(tables.costPerUserModel));
  out.push('## Tokens per model\n');
  out.push(tableOf(tables.tokens));
  out.push('## Top verbs\n');
  out.push(tableOf(tables.topVerbs));
  out.push('## Errors\n');
  out.push('### API errors\n');
  out.push(tableOf(tables.apiErrors));
  out.push('### Failing tools\n');
  out.push(tableOf(tables.failingTools));
  out.push('### Failing verbs\n');
  out.push(tableOf(tables.failingVerbs));
  return out.join('\n');
}
