import { htmlPage } from './html-page.js';
import { int, pct } from './format.js';
import type { Insights } from './insights.js';
import { barChart, escapeXml as esc } from './svg.js';

// Like the month report: a static page that loads nothing, so it can be published as a folder on any
// web server, and a browser refuses (and reports) anything beyond inline styles and SVG.

const CSS = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 820px; color: #1a1a1a; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e4e4e4; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #4a4a4a; font-size: .9rem; } svg { max-width: 100%; height: auto; } a { color: #1f5fa8; }
`;

const LABEL: Record<string, string> = { service: 'CLI', verb: 'Verb', installs: 'Installs', events: 'Commands', verbs: 'Verbs', adoption: 'Adoption', commands: 'Commands run' };

export interface InsightsPageOptions {
  /** Where a user reads how to opt out (the CLI's docs); the page's own opt-out section otherwise. */
  optOutUrl?: string;
}

function cell(key: string, value: unknown): string {
  if (key === 'adoption') return pct(Number(value));
  return typeof value === 'number' ? int(value) : String(value ?? '');
}

function chartFor(key: string, rows: Insights['sections'][number]['rows']): string {
  if (rows.length === 0) return '';
  if (key === 'services')
    return barChart(
      rows.map((r) => ({ label: String(r['service']), value: Number(r['installs']) })),
      { title: 'Installs per CLI', format: int },
    );
  if (key === 'verbs')
    return barChart(
      rows.slice(0, 20).map((r) => ({ label: `${String(r['service'])} ${String(r['verb'])}`, value: Number(r['adoption']) })),
      { title: 'Share of installs using each verb', format: pct, color: '#2f6b3f' },
    );
  return barChart(
    rows.map((r) => ({ label: `${String(r['service'])}: ${String(r['commands'])} commands`, value: Number(r['installs']) })),
    { title: 'Installs by commands run', format: int, color: '#6b4a8c' },
  );
}

/** The public insights page: the k-anonymous aggregates `report insights` computes, nothing else. */
export function renderInsightsHtml(insights: Insights, options: InsightsPageOptions = {}): string {
  const body: string[] = [];
  const optOut = options.optOutUrl ? esc(options.optOutUrl) : '#opt-out';
  body.push('<h1>Usage insights</h1>');
  body.push(
    `<p class="muted">Range ${esc(insights.range.since)} .. ${esc(insights.range.until)} (UTC, end excluded). Every figure counts installs in groups of at least ${insights.minGroup}; smaller groups are withheld, and nothing here names a user or an install. <a href="${optOut}">How to opt out</a>.</p>`,
  );
  for (const s of insights.sections) {
    body.push(`<h2 id="${esc(s.key)}">${esc(s.title)}</h2>`);
    if (s.rows.length === 0) body.push(`<p class="muted">No group reaches ${insights.minGroup} installs.</p>`);
    else {
      body.push(chartFor(s.key, s.rows));
      const cols = Object.keys(s.rows[0]!);
      const numeric = cols.map((c) => typeof s.rows[0]![c] === 'number');
      body.push(
        `<table data-section="${esc(s.key)}"><thead><tr>${cols.map((c, i) => `<th${numeric[i] ? ' class="n"' : ''}>${esc(LABEL[c] ?? c)}</th>`).join('')}</tr></thead><tbody>\n${s.rows
          .map((r) => `<tr>${cols.map((c, i) => `<td${numeric[i] ? ' class="n"' : ''} data-col="${esc(c)}">${esc(cell(c, r[c]))}</td>`).join('')}</tr>`)
          .join('\n')}\n</tbody></table>`,
      );
    }
    if (s.suppressedGroups > 0) body.push(`<p class="muted withheld">${s.suppressedGroups} smaller group${s.suppressedGroups === 1 ? '' : 's'} withheld.</p>`);
  }
  body.push('<h2 id="collected">What is collected</h2>');
  body.push(
    "<ul><li>Per command run: the CLI's name and version, the command (verb), its exit code, and a random install fingerprint (16 random bytes, not derived from the machine or the person).</li><li>Heartbeats of long-running tools: how often each command, API call or screen was used since the last heartbeat, and sizes as buckets (0, 1-10, 11-50, …) rather than exact values.</li></ul>",
  );
  body.push('<h2 id="not-collected">What is not collected</h2>');
  body.push(
    '<ul><li>No arguments, file names, paths, environment variables, command output or error text.</li><li>No user name, email, host name or IP address; the collector drops any attribute not on its list before anything is stored.</li><li>This page shows no single install: groups smaller than the minimum never leave the storage.</li></ul>',
  );
  body.push('<h2 id="opt-out">How to opt out</h2>');
  body.push(
    `<p>Set <code>DO_NOT_TRACK=1</code>, or <code>&lt;CLI&gt;_TELEMETRY=0</code> (the CLI's name in capitals, other characters as <code>_</code>), and nothing is sent. CI runs send nothing unless a CLI asks for it.${options.optOutUrl ? ` Details: <a href="${esc(options.optOutUrl)}">${esc(options.optOutUrl)}</a>.` : ''}</p>`,
  );
  return htmlPage('Usage insights', CSS, body);
}
