import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { claudeCode, cliUsage, recordCount } from '../query/dataset.js';
import { startHarness, waitForCount, type Harness } from '../query/harness.js';
import { logsBody, post } from '../query/otlp.js';

/**
 * The callbacks given to page.waitForFunction and page.evaluate run in the page. Tests are
 * type-checked without the DOM library (its fetch types differ from Node's), so they see this much of it.
 */
interface PageElement {
  id: string;
  hidden: boolean;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
}
declare const document: {
  body: PageElement;
  activeElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
};

const ROOT = join(import.meta.dirname, '..', '..');
const RESULTS = join(ROOT, 'test-results', 'dashboard');
const TOKEN_ENV = 'TS_DASHBOARD_TEST_TOKEN';
const TOKEN = 'dashboard-test-token-0123456789abcdef';

type Row = Record<string, string | number | null>;
interface Answer {
  command: string;
  template: string;
  columns: { name: string; kind: string; type: string }[];
  rows: Row[];
}

/** Each panel and the CLI command whose `--json` it must equal, on the same range. */
const PANELS: Record<string, string[]> = {
  usage: ['usage', 'top'],
  cost: ['query', 'cost'],
  tokens: ['query', 'tokens'],
  'errors-api': ['query', 'errors', '--only', 'api'],
  'errors-tools': ['query', 'errors', '--only', 'tools'],
  'errors-verbs': ['query', 'errors', '--only', 'verbs'],
  sessions: ['query', 'sessions'],
};

async function findChromium(): Promise<string> {
  const setup = await execa('bash', [join(ROOT, 'test', 'query', 'setup-chromium.sh')], { reject: false, timeout: 900_000 });
  const which = await execa('bash', ['-c', 'command -v chromium'], { reject: false });
  if (which.exitCode !== 0 || !which.stdout.trim()) throw new Error(`chromium is not installed: ${setup.stderr.trim().split('\n').pop() ?? 'no output'}`);
  return which.stdout.trim();
}

interface Running {
  url: string;
  process: ResultPromise;
}

/** Starts `dashboard` as a user would and waits (bounded) for the address it prints. */
async function startDashboard(file: string, env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const child = execa('node', [CLI, 'dashboard', '--file', file], { env: { ...process.env, ...env }, reject: false, timeout: 900_000, stdin: 'ignore' });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dashboard printed no address in 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void child.then((r) => {
      clearTimeout(timer);
      reject(new Error(`dashboard exited ${r.exitCode}:\n${out}`));
    });
  });
  return { url, process: child };
}

async function stop(r: Running | undefined): Promise<void> {
  if (!r) return;
  r.process.kill('SIGTERM');
  await r.process.catch(() => undefined);
}

/** Console errors, uncaught exceptions and failed requests of one page, as lines. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    // The location names the resource a "Failed to load resource" line is about.
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return problems;
}

async function panelsLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => Number(document.body.dataset['loaded'] ?? 0) >= 1 && document.querySelectorAll('[data-panel][aria-busy="true"]').length === 0, undefined, { timeout: 60_000 });
}

/** The rows a panel's table shows, from the raw values each cell keeps beside what it displays. */
function tableRows(page: Page, panel: string): Promise<Record<string, string>[]> {
  return page.$$eval(`#panel-${panel} tbody tr`, (trs) => trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset['col'] ?? '', td.dataset['value'] ?? '']))));
}

const asText = (rows: Row[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)])));

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, timeout: 30_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in 30 s`)));
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard and the public insights page, in headless Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let open: Running | undefined;
  let team: Running | undefined;
  const now = Date.now();

  beforeAll(async () => {
    h = await startHarness();
    const groups = [...cliUsage(now), ...claudeCode(now)];
    await post(h.stack.ports.http, '/v1/logs', logsBody(groups));
    const expected = recordCount(groups);
    expect(await waitForCount(h, 'SELECT count() AS n FROM otel_logs', expected)).toBe(expected);
    open = await startDashboard(h.stack.file);
    // Team mode: the same storage, a stack file that names a receivers bearer token.
    const teamFile = join(h.stack.dir, 'team.yaml');
    writeFileSync(teamFile, readFileSync(h.stack.file, 'utf8').replace(/^receivers:\n/m, `receivers:\n  auth: {bearerTokenEnv: ${TOKEN_ENV}}\n`));
    team = await startDashboard(teamFile, { [TOKEN_ENV]: TOKEN });
    browser = await chromium.launch({ executablePath: await findChromium(), args: ['--no-sandbox', '--disable-gpu'], timeout: 120_000 });
    mkdirSync(RESULTS, { recursive: true });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await stop(open);
    await stop(team);
    await h?.down();
  });

  it('every panel renders without a console error, and shows what `--json` prints', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = watch(page);
    await page.goto(open!.url);
    await panelsLoaded(page);
    const figures: string[] = [];
    for (const [panel, args] of Object.entries(PANELS)) {
      const cli = await h.json<Answer>([...args, '--since', '7d']);
      expect(cli.rows.length, `${panel}: the dataset has rows for it`).toBeGreaterThan(0);
      expect(await tableRows(page, panel), panel).toEqual(asText(cli.rows));
      expect(await page.textContent(`#panel-${panel} .state`)).toBe(`${cli.rows.length} row${cli.rows.length === 1 ? '' : 's'}`);
      // The endpoint answers exactly what --json prints (the range is relative, so it is left out).
      const api = JSON.parse((await get(`${open!.url}api/${panel}?since=7d`)).body) as Answer & { filters: Record<string, unknown> };
      expect({ ...api, filters: undefined }).toEqual({ ...cli, filters: undefined });
      figures.push(`${panel}: ${cli.rows.length} rows`);
    }
    // The two charts drew bars (uPlot's canvas) from the same rows.
    expect(await page.locator('#panel-cost .chart canvas').count()).toBe(1);
    expect(await page.locator('#panel-errors-api .chart canvas').count()).toBe(1);
    const screenshot = join(RESULTS, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
    console.log(`[dashboard] equal to --json: ${figures.join(', ')}; screenshot ${screenshot}`);
    await page.close();
  }, 300_000);

  it('drill-down from a verb and from a user shows their recent events, by keyboard too', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = watch(page);
    await page.goto(open!.url);
    await panelsLoaded(page);
    const deploy = page.locator('#panel-usage tbody button', { hasText: 'deploy' }).first();
    await deploy.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#panel-events')?.getAttribute('aria-busy') === 'false' && document.querySelector('#panel-events')?.hidden === false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('h-events');
    const events = await h.json<Answer>(['query', 'events', '--service', 'tinycli', '--verb', 'deploy', '--since', '7d']);
    expect(events.rows.length).toBeGreaterThan(0);
    expect(await tableRows(page, 'events')).toEqual(asText(events.rows));
    // Sanitized fields only: no attribute map or resource attribute is shown.
    expect(events.columns.map((c) => c.name)).toEqual(['time', 'service', 'event', 'verb', 'exit_code', 'user', 'session', 'model', 'status_code', 'error', 'tool', 'success', 'cost_usd']);
    await page.keyboard.press('Escape');
    expect(await page.locator('#panel-events').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('deploy');

    const user = (await tableRows(page, 'sessions'))[0]!['user']!;
    await page.locator('#panel-sessions tbody button').first().click();
    await page.waitForFunction(() => document.querySelector('#panel-events')?.getAttribute('aria-busy') === 'false' && document.querySelector('#panel-events')?.hidden === false);
    const byUser = await h.json<Answer>(['query', 'events', '--user', user, '--since', '7d']);
    expect(byUser.rows.length).toBeGreaterThan(0);
    expect(await tableRows(page, 'events')).toEqual(asText(byUser.rows));
    await page.screenshot({ path: join(RESULTS, 'dashboard-drill-down.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it('an empty range shows empty states; a failing endpoint shows its error in the panel', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = watch(page);
    await page.goto(open!.url);
    await panelsLoaded(page);
    await page.selectOption('#range', 'custom');
    await page.fill('#since', '2001-01-01');
    await page.fill('#until', '2001-01-02');
    await page.click('#reload');
    await page.waitForFunction(() => Number(document.body.dataset['loaded']) >= 2 && document.querySelectorAll('[data-panel][aria-busy="true"]').length === 0);
    for (const panel of Object.keys(PANELS)) expect(await page.textContent(`#panel-${panel} .state`), panel).toBe('Nothing in this range.');
    // A bad range is the CLI's one-line message, shown in the panel rather than thrown.
    const bad = await get(`${open!.url}api/cost?since=yesterday`);
    expect(bad.status).toBe(400);
    expect((JSON.parse(bad.body) as { error: string }).error).toMatch(/^--since yesterday: not a time/);
    await page.route('**/api/tokens?*', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'storage is not answering' }) }));
    await page.selectOption('#range', '7d');
    await page.waitForFunction(() => document.querySelector('#panel-tokens')?.classList.contains('error'));
    expect(await page.textContent('#panel-tokens .state')).toBe('Could not load: storage is not answering');
    expect(await page.getAttribute('#panel-tokens .state', 'role')).toBe('alert');
    // The routed 400 is the one console message Chromium prints for it (a failed resource load).
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await page.close();
  }, 300_000);

  it('team mode: a missing or wrong token gets 401; the right one (header, or ?token= once then a cookie) gets the page', async () => {
    const base = team!.url;
    const port = new URL(base).port;
    for (const path of ['', 'api/cost?since=7d', 'app.js']) {
      expect((await get(base + path)).status, `no token: /${path}`).toBe(401);
      expect((await get(base + path, { authorization: 'Bearer wrong' })).status, `wrong token: /${path}`).toBe(401);
    }
    expect((await get(`${base}?token=wrong`)).status).toBe(401);
    expect((await get(base, { cookie: 'ts_dashboard=wrong' })).status).toBe(401);
    const api = await get(`${base}api/cost?since=7d`, { authorization: `Bearer ${TOKEN}` });
    expect(api.status).toBe(200);
    expect((JSON.parse(api.body) as Answer).rows).toEqual((await h.json<Answer>(['query', 'cost', '--since', '7d'])).rows);
    const first = await get(`${base}?token=${TOKEN}`);
    expect(first.status).toBe(303);
    expect(first.headers['location']).toBe('/');
    expect(String(first.headers['set-cookie'])).toMatch(/^ts_dashboard=.+; HttpOnly; SameSite=Strict; Path=\//);
    // Another name for this host (DNS rebinding) is refused even with the token.
    expect((await get(base, { host: `rebind.example:${port}`, authorization: `Bearer ${TOKEN}` })).status).toBe(421);
    // The icon a browser asks for on the 401 page may arrive after the cookie: nothing, not a 404.
    expect((await get(`${base}favicon.ico`)).status).toBe(401);
    expect((await get(`${base}favicon.ico`, { cookie: `ts_dashboard=${TOKEN}` })).status).toBe(204);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = watch(page);
    expect((await page.goto(base))?.status()).toBe(401);
    await page.goto(`${base}?token=${TOKEN}`);
    expect(page.url()).toBe(base);
    await panelsLoaded(page);
    expect((await tableRows(page, 'usage')).length).toBeGreaterThan(0);
    // The 401 of the first visit is the only console line.
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    await page.close();
  }, 300_000);

  it('report insights --html: a static page that withholds groups under --min-group, renders in Chromium without a console error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ts-insights-'));
    const args = ['report', 'insights', '--min-group', '2', '--since', '7d'];
    const json = await h.json<{ sections: { key: string; suppressedGroups: number; rows: Row[] }[] }>(args);
    const r = await h.cli([...args, '--html', out, '--opt-out-url', 'https://example.com/telemetry#opt-out']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script|<img|@import|url\(/i);
    const page = await browser.newPage({ viewport: { width: 1000, height: 1000 } });
    const problems = watch(page);
    await page.goto(`file://${join(out, 'index.html')}`);
    const services = json.sections.find((s) => s.key === 'services')!;
    // tinycli has three installs; othercli one, under the minimum of two: withheld.
    expect(services.rows.map((r) => r['service'])).toEqual(['tinycli']);
    expect(services.suppressedGroups).toBe(1);
    for (const s of json.sections) {
      const shown = await page.$$eval(`table[data-section="${s.key}"] tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(shown.length, s.key).toBe(s.rows.length);
    }
    const text = (await page.textContent('body')) ?? '';
    expect(text).not.toContain('othercli');
    expect(text).toContain('1 smaller group withheld.');
    expect(text).toContain('What is not collected');
    expect(await page.getAttribute('a[href="https://example.com/telemetry#opt-out"]', 'href')).toBeTruthy();
    expect(text).not.toMatch(/fp-[a-z]|@|[0-9a-f]{64}/);
    const screenshot = join(RESULTS, 'insights.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    writeFileSync(join(RESULTS, 'insights.html'), html);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});
