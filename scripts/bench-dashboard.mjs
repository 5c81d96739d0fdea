#!/usr/bin/env node
// The dashboard on loopback: each panel's API latency and the page's first paint, median of runs.
//
//   npm run build && node scripts/bench-dashboard.mjs [--events 1000000] [--runs 5]
//
// Brings up a throwaway stack (embedded engine + Collector, runtime process, free loopback ports),
// loads --events synthetic events with the generator of scripts/bench-queries.mjs (the same shape and
// spread: 85 days), starts `telemetry-stack dashboard` on a free port, then
// - per panel: GET /api/<panel>?since=30d (the CLI's default range) --runs times after one warm-up;
// - every panel at once, as the page asks for them (the time until the last has answered), beside
//   the sum of the per-panel medians (what one after another would take);
// - the page, in Debian's headless Chromium (playwright-core, the system binary): a fresh browser
//   context per run, first contentful paint, and the time until every panel has its data.
// Everything is bounded by timeouts; the dashboard (by its pid) and the stack are stopped and the
// directory removed at the end, whatever happens. Not a test: it prints figures, and the machine's
// load average at the start and the end (other work on it moves them).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHUNK, freePort, insertChunk } from './bench-queries.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist/cli/main.js');
const PANELS = ['usage', 'cost', 'tokens', 'errors-api', 'errors-tools', 'errors-verbs', 'sessions'];

function option(name, fallback, ok) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const s = process.argv[i + 1] ?? '';
  if (!/^\d+$/.test(s) || !ok(Number(s))) {
    console.error(`${name} ${s}: not valid; see the usage at the top of scripts/bench-dashboard.mjs`);
    process.exit(1);
  }
  return Number(s);
}
const EVENTS = option('--events', 1_000_000, (n) => n >= CHUNK && n <= 20_000_000 && n % CHUNK === 0);
const RUNS = option('--runs', 5, (n) => n >= 1 && n <= 50);

const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function cli(args, file) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--file', file], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`telemetry-stack ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** Starts the dashboard; resolves to its address and the child, which the caller stops by pid. */
function startDashboard(file) {
  const child = spawn(process.execPath, [CLI, 'dashboard', '--file', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`dashboard printed no address in 30 s: ${out}`)), 30_000);
    const read = (chunk) => {
      out += chunk.toString();
      const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done({ url: m[1], child });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`dashboard exited ${code}: ${out}`));
    });
  });
}

function chromiumPath() {
  const r = spawnSync('bash', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) throw new Error('chromium is not installed; run test/query/setup-chromium.sh (Debian) first');
  return r.stdout.trim();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ts-bench-dashboard-'));
  const [grpc, http, health, metrics, storage] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const file = join(dir, 'telemetry-stack.yaml');
  writeFileSync(
    file,
    `version: 1.0\nname: bench\ndataDir: ${join(dir, 'data')}\nbackend: embedded\nruntime: process\nreceivers: {grpc: {port: ${grpc}}, http: {port: ${http}}}\n` +
      `collector: {healthPort: ${health}, metricsPort: ${metrics}}\nclickhouse: {port: ${storage}}\n`,
  );
  const [{ createClient }, { chromium }, { homeOf }] = await Promise.all([import('@clickhouse/client'), import('playwright-core'), import(join(REPO, 'dist/cli/home/layout.js'))]);
  let client;
  let dashboard;
  let browser;
  const api = [];
  const paint = { fcp: [], loaded: [] };
  const atOnce = [];
  const loadAtStart = loadAverage();
  try {
    process.stderr.write('bench: starting a throwaway stack\n');
    cli(['up'], file);
    const password = readFileSync(homeOf(join(dir, 'data')).clickhousePasswordFile, 'utf8').trim();
    // The embedded engine's writer (the read-only user cannot load events).
    client = createClient({ url: `http://127.0.0.1:${storage}`, username: 'telemetry_writer', password, request_timeout: 900_000, log: { level: 127 } });
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (let loaded = 0; loaded < EVENTS; loaded += CHUNK) {
      await client.command({ query: insertChunk('telemetry', loaded, nowSeconds) });
      process.stderr.write(`bench: loaded ${(loaded + CHUNK).toLocaleString('en-US')} events\n`);
    }
    for (const table of ['otel_logs', 'cli_usage_daily', 'claude_code_cost_daily']) await client.command({ query: `OPTIMIZE TABLE telemetry.${table} FINAL` });

    dashboard = await startDashboard(file);
    for (const panel of PANELS) {
      const url = `${dashboard.url}api/${panel}?since=30d`;
      const fetchOnce = async () => {
        const t = performance.now();
        const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
        const body = await res.json();
        if (!res.ok) throw new Error(`${url}: ${res.status} ${body.error}`);
        return { ms: performance.now() - t, rows: body.rows.length };
      };
      await fetchOnce(); // warm-up: the first read of a table pays for caches
      const times = [];
      let rows = 0;
      for (let r = 0; r < RUNS; r++) {
        const x = await fetchOnce();
        times.push(x.ms);
        rows = x.rows;
      }
      api.push({ panel, ms: median(times), rows });
      process.stderr.write(`bench: /api/${panel}: ${median(times).toFixed(0)} ms, ${rows} rows\n`);
    }

    const fetchAll = () =>
      Promise.all(
        PANELS.map(async (panel) => {
          const res = await fetch(`${dashboard.url}api/${panel}?since=30d`, { signal: AbortSignal.timeout(60_000) });
          const body = await res.json();
          if (!res.ok) throw new Error(`/api/${panel}: ${res.status} ${body.error}`);
        }),
      );
    await fetchAll();
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await fetchAll();
      atOnce.push(performance.now() - t);
    }
    process.stderr.write(`bench: every panel at once: ${median(atOnce).toFixed(0)} ms\n`);

    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'], timeout: 120_000 });
    for (let r = 0; r < RUNS + 1; r++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      await page.goto(dashboard.url, { timeout: 60_000 });
      await page.waitForFunction(() => Number(document.body.dataset.loaded ?? 0) >= 1, undefined, { timeout: 120_000 });
      const t = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        loaded: performance.now(),
      }));
      await context.close();
      if (r === 0) continue; // warm-up
      paint.fcp.push(t.fcp);
      paint.loaded.push(t.loaded);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    if (dashboard) {
      process.kill(dashboard.child.pid, 'SIGTERM');
      await new Promise((done) => (dashboard.child.exitCode !== null ? done() : dashboard.child.once('exit', done)));
    }
    await client?.close().catch(() => undefined);
    try {
      cli(['down'], file);
    } catch (e) {
      process.stderr.write(`bench: down failed: ${e.message}\n`);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\ndashboard on loopback, embedded engine, ${EVENTS.toLocaleString('en-US')} events over 85 days, range 30 days, median of ${RUNS} runs`);
  console.log('| panel        | API latency | rows |');
  console.log('|--------------|------------:|-----:|');
  for (const a of api) console.log(`| ${a.panel.padEnd(12)} | ${`${a.ms.toFixed(0)} ms`.padStart(11)} | ${String(a.rows).padStart(4)} |`);
  console.log(`every panel at once (as the page asks): ${median(atOnce).toFixed(0)} ms; one after another: ${api.reduce((a, x) => a + x.ms, 0).toFixed(0)} ms (sum of the medians above)`);
  console.log(`first contentful paint: ${median(paint.fcp).toFixed(0)} ms; every panel loaded: ${median(paint.loaded).toFixed(0)} ms (fresh browser context per run)`);
  console.log(`load average (1, 5, 15 min): ${loadAtStart} at the start, ${loadAverage()} at the end`);
}

main().catch((e) => {
  console.error(`bench-dashboard: ${e.message}`);
  process.exit(1);
});
