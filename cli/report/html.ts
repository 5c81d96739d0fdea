import { htmlPage } from './html-page.js';
import type { Row } from '../query/result.js';
import { int, shortUser, usd } from './format.js';
import type { MonthReport } from './month.js';
import { reportTables, summaryRows, type ReportTable } from './tables.js';
import { barChart, columnChart, escapeXml } from './svg.js';

// The page loads nothing: no script, no fonts, no images but inline SVG. The policy makes that a
// property of the page rather than a habit of this code: a browser refuses (and reports) anything
// else, which is what the report test looks for.

const CSS = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 820px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; } h3 { font-size: 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #eee; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.summary td:first-child { color: #555; } .muted { color: #777; font-size: .85rem; } svg { max-width: 100%; height: auto; }
`;

const esc = escapeXml;
const s = (r: Row, k: string) => String(r[k] ?? '');
const n = (r: Row, k: string) => Number(r[k] ?? 0);

function table(header: string[], rows: string[][], numeric: boolean[]): string {
  if (rows.length === 0) return '<p class="muted">none</p>';
  const th = header.map((h, i) => `<th${numeric[i] ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

/** HTML for one report table: numbers right-aligned. */
function tableOf(t: ReportTable): string {
  return table(t.header, t.rows, t.numeric);
}

export function renderMonthHtml(report: MonthReport): string {
  const tables = reportTables(report);
  const body: string[] = [];
  body.push(`<h1>Telemetry report ${esc(report.month)}</h1>`);
  body.push(`<p class="muted">Range ${esc(report.range.since)} .. ${esc(report.range.until)} (UTC, end excluded). Generated ${esc(report.generatedAt)}.</p>`);
  body.push('<h2>Summary</h2>');
  body.push(
    `<table class="summary"><tbody>${summaryRows(report)
      .map(([k, v]) => `<tr><td>${esc(k!)}</td><td class="n">${esc(v!)}</td></tr>`)
      .join('')}</tbody></table>`,
  );

  body.push('<h2>Cost per day</h2>');
  body.push(
    columnChart(
      report.costPerDay.map((d) => ({ label: d.day.slice(8), value: d.costUsd })),
      { title: `Claude Code cost per day, ${report.month}`, format: usd, labelEvery: 2 },
    ),
  );

  body.push('<h2>Cost per user and model</h2>');
  body.push(
    barChart(
      report.costPerUserModel.slice(0, 15).map((r) => ({ label: `${shortUser(r.user)} · ${r.model}`, value: r.costUsd })),
      { title: 'Cost per user and model', format: usd },
    ),
  );
  body.push(tableOf(tables.costPerUserModel));

  body.push('<h2>Tokens per model</h2>');
  body.push(tableOf(tables.tokens));

  body.push('<h2>Top verbs</h2>');
  body.push(
    barChart(
      report.topVerbs.map((r) => ({ label: `${s(r, 'service')} ${s(r, 'verb')}`, value: n(r, 'events') })),
      { title: 'CLI verbs by use', format: int, color: '#4a8c5c' },
    ),
  );
  body.push(tableOf(tables.topVerbs));

  body.push('<h2>Errors</h2>');
  body.push(
    columnChart(
      report.errorsPerDay.map((d) => ({ label: d.day.slice(8), value: d.errors })),
      { title: `API errors per day, ${report.month}`, format: int, labelEvery: 2, color: '#b5483b' },
    ),
  );
  body.push('<h3>API errors</h3>');
  body.push(tableOf(tables.apiErrors));
  body.push('<h3>Failing tools</h3>');
  body.push(tableOf(tables.failingTools));
  body.push('<h3>Failing verbs</h3>');
  body.push(tableOf(tables.failingVerbs));

  return htmlPage(`Telemetry report ${esc(report.month)}`, CSS, body);
}
