/**
 * The dashboard's one HTML page: the layout is here so it paints before any data arrives; app.js
 * (built from web/app.ts) fills each panel from its /api endpoint.
 */

interface PanelMarkup {
  id: string;
  title: string;
  chart?: string;
  note?: string;
}

const PANELS: PanelMarkup[] = [
  { id: 'usage', title: 'Usage: top verbs', note: 'Events, distinct installs and failure rate per CLI verb. Choose a verb for its recent events.' },
  { id: 'cost', title: 'Cost per day, user and model', chart: 'Claude Code cost per day (USD)', note: 'Choose a user for their recent events.' },
  { id: 'tokens', title: 'Tokens per model' },
  { id: 'errors-api', title: 'API errors', chart: 'API errors over time' },
  { id: 'errors-tools', title: 'Failing tools' },
  { id: 'errors-verbs', title: 'Failing CLI verbs' },
  { id: 'sessions', title: 'Sessions', note: 'Newest first. Choose a user for their recent events.' },
];

function section(p: PanelMarkup): string {
  return `<section class="panel" id="panel-${p.id}" data-panel="${p.id}" aria-labelledby="h-${p.id}" aria-busy="true">
<h2 id="h-${p.id}">${p.title}</h2>
${p.note ? `<p class="note">${p.note}</p>` : ''}
<p class="state" role="status">Loading…</p>
${p.chart ? `<div class="chart" role="img" aria-label="${p.chart}"></div>` : ''}
<div class="table"></div>
</section>`;
}

export function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<title>telemetry-stack dashboard</title>
</head>
<body>
<a class="skip" href="#main">Skip to the panels</a>
<header>
<h1>telemetry-stack</h1>
<form id="controls" aria-label="Time range and refresh">
<label>Range <select id="range">
<option value="1h">last hour</option>
<option value="24h">last 24 hours</option>
<option value="7d" selected>last 7 days</option>
<option value="30d">last 30 days</option>
<option value="90d">last 90 days</option>
<option value="custom">custom…</option>
</select></label>
<label class="custom" hidden>From <input id="since" type="date"></label>
<label class="custom" hidden>Until <input id="until" type="date"></label>
<label>Auto-refresh <select id="refresh">
<option value="0">off</option>
<option value="30">30 s</option>
<option value="60" selected>1 min</option>
<option value="300">5 min</option>
</select></label>
<button type="submit" id="reload">Refresh</button>
<span id="updated" role="status" aria-live="polite"></span>
</form>
</header>
<main id="main" tabindex="-1">
<div class="grid">
${PANELS.map(section).join('\n')}
</div>
<section class="panel drill" id="panel-events" data-panel="events" aria-labelledby="h-events" hidden>
<h2 id="h-events" tabindex="-1">Recent events</h2>
<p class="note">Newest first; only the fields kept after sanitizing.</p>
<button type="button" id="close-events">Close</button>
<p class="state" role="status"></p>
<div class="table"></div>
</section>
</main>
<footer><p>Every panel runs the same query template as the CLI (<code>/api/&lt;panel&gt;</code> answers what <code>--json</code> prints). Charts: uPlot (MIT), <a href="/LICENSES.txt">licence</a>.</p></footer>
<script src="/app.js" defer></script>
</body>
</html>
`;
}
