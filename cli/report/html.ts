import type { Row } from '../query/result.js';
import { int, pct, ratio, shortUser, usd } from './format.js';
import type { MonthReport } from './month.js';
import { barChart, columnChart, escapeXml } from './svg.js';

// The page loads nothing: no script, no fonts, no images but inline SVG. The policy makes that a
// property of the page rather than a habit of this code: a browser refuses (and reports) anything
// else, which is what the report test looks for.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

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

export function renderMonthHtml(report: MonthReport): string {
  const t = report.totals;
  const body: string[] = [];
  body.push(`<h1>Telemetry report ${esc(report.month)}</h1>`);
  body.push(`<p class="muted">Range ${esc(report.range.since)} .. ${esc(report.range.until)} (UTC, end excluded). Generated ${esc(report.generatedAt)}.</p>`);
  body.push('<h2>Summary</h2>');
  body.push(
    `<table class="summary"><tbody>${[
      ['Claude Code cost', usd(t.costUsd)],
      ['API requests', int(t.requests)],
      ['Input tokens', int(t.inputTokens)],
      ['Output tokens', int(t.outputTokens)],
      ['Users', int(t.users)],
      ['Models', int(t.models)],
      ['CLI commands', int(t.cliEvents)],
      ['API errors', int(t.apiErrors)],
    ]
      .map(([k, v]) => `<tr><td>${esc(k!)}</td><td class="n">${esc(v!)}</td></tr>`)
      .join('')}</tbody></table>`,
  );

  body.push('<h2>Cost per day</h2>');
  body.push(columnChart(report.costPerDay.map((d) => ({ label: d.day.slice(8), value: d.costUsd })), { title: `Claude Code cost per day, ${report.month}`, format: usd, labelEvery: 2 }));

  body.push('<h2>Cost per user and model</h2>');
  body.push(barChart(report.costPerUserModel.slice(0, 15).map((r) => ({ label: `${shortUser(r.user)} · ${r.model}`, value: r.costUsd })), { title: 'Cost per user and model', format: usd }));
  body.push(
    table(
      ['User', 'Model', 'Cost', 'Requests', 'Input tokens', 'Output tokens'],
      report.costPerUserModel.map((r) => [shortUser(r.user), r.model, usd(r.costUsd), int(r.requests), int(r.inputTokens), int(r.outputTokens)]),
      [false, false, true, true, true, true],
    ),
  );

  body.push('<h2>Tokens per model</h2>');
  body.push(
    table(
      ['Model', 'Requests', 'Input', 'Output', 'Cache read', 'Output/input', 'Cache hit'],
      report.tokens.map((r) => [s(r, 'model'), int(n(r, 'requests')), int(n(r, 'input_tokens')), int(n(r, 'output_tokens')), int(n(r, 'cache_read_tokens')), ratio(r['output_input_ratio'] as number | null), pct(r['cache_hit_ratio'] as number | null)]),
      [false, true, true, true, true, true, true],
    ),
  );

  body.push('<h2>Top verbs</h2>');
  body.push(barChart(report.topVerbs.map((r) => ({ label: `${s(r, 'service')} ${s(r, 'verb')}`, value: n(r, 'events') })), { title: 'CLI verbs by use', format: int, color: '#4a8c5c' }));
  body.push(
    table(
      ['Service', 'Verb', 'Events', 'Users', 'Failures', 'Failure rate'],
      report.topVerbs.map((r) => [s(r, 'service'), s(r, 'verb'), int(n(r, 'events')), int(n(r, 'users')), int(n(r, 'failures')), pct(n(r, 'failure_rate'))]),
      [false, false, true, true, true, true],
    ),
  );

  body.push('<h2>Errors</h2>');
  body.push(columnChart(report.errorsPerDay.map((d) => ({ label: d.day.slice(8), value: d.errors })), { title: `API errors per day, ${report.month}`, format: int, labelEvery: 2, color: '#b5483b' }));
  body.push('<h3>API errors</h3>');
  body.push(table(['Status', 'Error', 'Count'], report.apiErrors.map((e) => [e.statusCode, e.error, int(e.errors)]), [false, false, true]));
  body.push('<h3>Failing tools</h3>');
  body.push(
    table(
      ['Tool', 'Calls', 'Failures', 'Failure rate', 'Top error type'],
      report.failingTools.map((r) => [s(r, 'tool'), int(n(r, 'calls')), int(n(r, 'failures')), pct(n(r, 'failure_rate')), s(r, 'top_error_type')]),
      [false, true, true, true, false],
    ),
  );
  body.push('<h3>Failing verbs</h3>');
  body.push(
    table(
      ['Service', 'Verb', 'Failures', 'Events', 'Failure rate'],
      report.failingVerbs.map((r) => [s(r, 'service'), s(r, 'verb'), int(n(r, 'failures')), int(n(r, 'events')), pct(n(r, 'failure_rate'))]),
      [false, false, true, true, true],
    ),
  );

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Telemetry report ${esc(report.month)}</title>
<style>${CSS}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
