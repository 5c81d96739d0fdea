// The dashboard page's script, bundled with uPlot into dist/dashboard/app.js at build time: the
// page fetches nothing but this server's /api endpoints, so it works offline.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './app.css';

type Cell = string | number | null;
type Row = Record<string, Cell>;
interface Column {
  name: string;
  kind: 'number' | 'text' | 'time';
}
interface Answer {
  title: string;
  template: string;
  columns: Column[];
  rows: Row[];
}

const PANELS = ['usage', 'cost', 'tokens', 'errors-api', 'errors-tools', 'errors-verbs', 'sessions'] as const;
type PanelName = (typeof PANELS)[number] | 'events';

const $ = <T extends HTMLElement>(selector: string, root: ParentNode = document): T => {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`page is missing ${selector}`);
  return el;
};

const rangeSelect = $<HTMLSelectElement>('#range');
const sinceInput = $<HTMLInputElement>('#since');
const untilInput = $<HTMLInputElement>('#until');
const refreshSelect = $<HTMLSelectElement>('#refresh');
const updated = $<HTMLSpanElement>('#updated');
const charts = new Map<string, uPlot>();
// Each load carries a generation number, so an answer that arrives after a newer request was made
// (a slow query, then a range change) is dropped rather than painted over the newer one.
const generation = new Map<PanelName, number>();
let drill: { params: Record<string, string>; label: string; opener: HTMLElement | null } | undefined;

function rangeParams(): Record<string, string> {
  if (rangeSelect.value !== 'custom') return { since: rangeSelect.value };
  const out: Record<string, string> = {};
  if (sinceInput.value) out['since'] = sinceInput.value;
  if (untilInput.value) out['until'] = untilInput.value;
  return out;
}

const PERCENT = new Set(['failure_rate', 'cache_hit_ratio', 'adoption']);

function display(column: Column, value: Cell): string {
  if (value === null) return '–';
  if (column.name === 'cost_usd') return '$' + Number(value).toFixed(Number(value) !== 0 && Math.abs(Number(value)) < 0.01 ? 6 : 2);
  if (PERCENT.has(column.name)) return (Number(value) * 100).toFixed(1) + '%';
  if (column.name === 'output_input_ratio') return Number(value).toFixed(2);
  if (column.kind === 'number') return Number(value).toLocaleString('en-US');
  const text = String(value);
  // Stored user ids are 64-hex keyed hashes; 16 characters tell them apart on screen.
  return /^[0-9a-f]{64}$/.test(text) ? text.slice(0, 16) + '…' : text;
}

/** Which cells open the drill-down, and with which filters. */
function drillTarget(panel: PanelName, column: string, row: Row): { params: Record<string, string>; label: string } | undefined {
  if (panel === 'usage' && column === 'verb' && row['verb']) {
    return { params: { service: String(row['service'] ?? ''), verb: String(row['verb']) }, label: `${String(row['service'])} ${String(row['verb'])}` };
  }
  if ((panel === 'cost' || panel === 'sessions') && column === 'user' && row['user']) {
    return { params: { user: String(row['user']) }, label: `user ${display({ name: 'user', kind: 'text' }, row['user'])}` };
  }
  return undefined;
}

function renderTable(panel: PanelName, container: HTMLElement, answer: Answer): void {
  const table = document.createElement('table');
  const caption = table.createCaption();
  caption.textContent = answer.title;
  const head = table.createTHead().insertRow();
  for (const c of answer.columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = c.name.replace(/_/g, ' ');
    if (c.kind === 'number') th.className = 'n';
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of answer.rows) {
    const tr = body.insertRow();
    for (const c of answer.columns) {
      const td = tr.insertCell();
      const value = row[c.name] ?? null;
      // The raw value stays on the cell: what the page shows can be checked against `--json`.
      td.dataset['col'] = c.name;
      td.dataset['value'] = value === null ? '' : String(value);
      if (c.kind === 'number') td.className = 'n';
      const target = drillTarget(panel, c.name, row);
      if (target) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'link';
        button.textContent = display(c, value);
        button.title = `recent events of ${target.label}`;
        button.addEventListener('click', () => openDrill(target.params, target.label, button));
        td.appendChild(button);
      } else {
        td.textContent = display(c, value);
        if (typeof value === 'string' && value.length > 16 && /^[0-9a-f]{64}$/.test(value)) td.title = value;
      }
    }
  }
  container.replaceChildren(table);
}

/** Sums a column per time bucket, for a bar chart over time. */
function perTime(rows: Row[], timeColumn: string, valueColumn: string): [number[], number[]] {
  const sums = new Map<number, number>();
  for (const r of rows) {
    const raw = String(r[timeColumn] ?? '');
    const t = Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : `${raw.replace(' ', 'T')}Z`) / 1000;
    if (Number.isFinite(t)) sums.set(t, (sums.get(t) ?? 0) + Number(r[valueColumn] ?? 0));
  }
  const xs = [...sums.keys()].sort((a, b) => a - b);
  return [xs, xs.map((x) => sums.get(x) ?? 0)];
}

function renderChart(panel: PanelName, container: HTMLElement, answer: Answer): void {
  const spec = panel === 'cost' ? { time: 'day', value: 'cost_usd', label: 'cost (USD)', color: '#1f5fa8' } : { time: 'period', value: 'errors', label: 'errors', color: '#a8321f' };
  const data = perTime(answer.rows, spec.time, spec.value);
  charts.get(panel)?.destroy();
  charts.delete(panel);
  container.replaceChildren();
  if (data[0].length === 0) return;
  const width = Math.max(280, container.clientWidth || 560);
  // Half a bucket of room at each end, so the first and last bars are drawn whole.
  const xs = data[0];
  const step = xs.length > 1 ? Math.min(...xs.slice(1).map((x, i) => x - xs[i]!)) : panel === 'cost' ? 86_400 : 3_600;
  const chart = new uPlot(
    {
      width,
      height: 200,
      legend: { show: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: true, range: (_u, min, max) => [min - step / 2, max + step / 2] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{ stroke: '#333' }, { stroke: '#333', size: 60 }],
      series: [{}, { label: spec.label, stroke: spec.color, fill: spec.color + 'cc', paths: uPlot.paths.bars!({ size: [0.6, 48] }), points: { show: false } }],
    },
    data,
    container,
  );
  charts.set(panel, chart);
}

function panelElement(panel: PanelName): HTMLElement {
  return $<HTMLElement>(`#panel-${panel}`);
}

async function load(panel: PanelName, extra: Record<string, string> = {}): Promise<void> {
  const el = panelElement(panel);
  const state = $<HTMLParagraphElement>('.state', el);
  const gen = (generation.get(panel) ?? 0) + 1;
  generation.set(panel, gen);
  el.setAttribute('aria-busy', 'true');
  el.classList.remove('error');
  state.textContent = 'Loading…';
  try {
    const res = await fetch(`/api/${panel}?${new URLSearchParams({ ...rangeParams(), ...extra }).toString()}`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    const body = (await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }))) as Answer | { error: string };
    if (generation.get(panel) !== gen) return;
    if (!res.ok || 'error' in body) throw new Error('error' in body ? body.error : `${res.status} ${res.statusText}`);
    const chart = el.querySelector<HTMLElement>('.chart');
    if (chart) renderChart(panel, chart, body);
    renderTable(panel, $<HTMLElement>('.table', el), body);
    state.textContent = body.rows.length === 0 ? 'Nothing in this range.' : `${body.rows.length} row${body.rows.length === 1 ? '' : 's'}`;
    el.classList.toggle('empty', body.rows.length === 0);
  } catch (e) {
    if (generation.get(panel) !== gen) return;
    el.classList.add('error');
    state.textContent = `Could not load: ${e instanceof Error ? e.message : String(e)}`;
    state.setAttribute('role', 'alert');
    return;
  } finally {
    if (generation.get(panel) === gen) el.setAttribute('aria-busy', 'false');
  }
  state.setAttribute('role', 'status');
}

function openDrill(params: Record<string, string>, label: string, opener: HTMLElement | null): void {
  drill = { params, label, opener };
  const el = panelElement('events');
  el.hidden = false;
  const heading = $<HTMLHeadingElement>('#h-events');
  heading.textContent = `Recent events: ${label}`;
  heading.focus();
  void load('events', params);
}

function closeDrill(): void {
  const opener = drill?.opener;
  drill = undefined;
  panelElement('events').hidden = true;
  opener?.focus();
}

async function loadAll(): Promise<void> {
  await Promise.all([...PANELS.map((p) => load(p)), ...(drill ? [load('events', drill.params)] : [])]);
  updated.textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}`;
  document.body.dataset['loaded'] = String(Number(document.body.dataset['loaded'] ?? 0) + 1);
}

let timer: number | undefined;
function schedule(): void {
  if (timer !== undefined) window.clearInterval(timer);
  const seconds = Number(refreshSelect.value);
  // A hidden tab skips its refreshes: nobody is looking, and the storage is spared the queries.
  timer = seconds > 0 ? window.setInterval(() => void (document.hidden ? undefined : loadAll()), seconds * 1000) : undefined;
}

rangeSelect.addEventListener('change', () => {
  const custom = rangeSelect.value === 'custom';
  for (const el of document.querySelectorAll<HTMLElement>('.custom')) el.hidden = !custom;
  if (!custom) void loadAll();
  else sinceInput.focus();
});
$<HTMLFormElement>('#controls').addEventListener('submit', (e) => {
  e.preventDefault();
  void loadAll();
});
refreshSelect.addEventListener('change', schedule);
$<HTMLButtonElement>('#close-events').addEventListener('click', closeDrill);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && drill) closeDrill();
});
window.addEventListener('resize', () => {
  for (const [panel, chart] of charts) {
    const width = panelElement(panel as PanelName).querySelector<HTMLElement>('.chart')?.clientWidth ?? 0;
    if (width > 0) chart.setSize({ width, height: 200 });
  }
});

schedule();
void loadAll();
