#!/usr/bin/env node
// Latency of every query template at 1M and 10M events in the embedded engine.
//
//   npx tsc -p tsconfig.json && node scripts/bench-queries.mjs [--sizes 1000000,10000000] [--runs 5] [--budget 3600]
//
// Brings up a throwaway stack (embedded engine + Collector, runtime process, free loopback ports),
// so the tables are the ones the exporter creates and the rollups the ones `up` creates. Events are
// generated inside the engine (INSERT ... SELECT FROM numbers()), shaped like what the client
// library and Claude Code send, over the last 85 days; the materialized views fill the daily
// rollups as the rows go in, exactly as they do for the exporter's inserts. Each template then runs
// through the same query interface the CLI uses, over the CLI's default range (30 days), and the
// median of --runs is printed with the rows it returned. Templates that read a rollup also run with
// raw = 1 (otel_logs only) to show what the rollup saves.
//
// Then two slow queries at once: `query cost --raw` (a 30-day scan of otel_logs, the slowest
// question) alone, and two of it sent together over the read-only user's HTTP interface, run after
// run in turn, with the median time until both have answered and its ratio to one alone; and a
// short question (`query tokens`, on its rollup) alone and sent together with the slow one: with
// queries run one after another it would wait for the slow one to finish. The same pair again with
// one thread per query (max_threads = 1, sent by the writer, which may change settings): a lone
// query otherwise takes every core, so two of them at once need twice the CPU; with one core each
// they run side by side in the time of one, which is what shows the engine does not queue them. The machine's load
// average is printed at the start and the end: other work on it moves the figures.
//
// Bounded: every request has a timeout, and a size whose load would not fit in --budget seconds
// (estimated from the previous load) is skipped and reported. The stack is stopped and its
// directory removed at the end, whatever happens.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist/cli/main.js');
export const CHUNK = 1_000_000;
const DAY_SECONDS = 86_400;
const SPREAD_DAYS = 85;

function option(name, fallback, parse) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = parse(process.argv[i + 1] ?? '');
  if (value === undefined) {
    console.error(`${name} ${process.argv[i + 1] ?? ''}: not valid; see the usage at the top of scripts/bench-queries.mjs`);
    process.exit(1);
  }
  return value;
}
const int = (min, max) => (s) => (/^\d+$/.test(s) && Number(s) >= min && Number(s) <= max ? Number(s) : undefined);
const SIZES = option('--sizes', [1_000_000, 10_000_000], (s) => {
  const list = s.split(',').map(Number);
  return list.every((n) => Number.isInteger(n) && n >= CHUNK && n <= 100_000_000 && n % CHUNK === 0) ? list.sort((a, b) => a - b) : undefined;
});
const RUNS = option('--runs', 5, int(1, 50));
const BUDGET_S = option('--budget', 3600, int(60, 86_400));

export function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

function cli(args, file) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--file', file], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`telemetry-stack ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

// Deterministic spread from the row number: h(salt) is a 64-bit hash, so columns vary independently.
const h = (salt) => `cityHash64(number, ${salt})`;
const pick = (list, salt) => `[${list.map((x) => `'${x}'`).join(', ')}][1 + ${h(salt)} % ${list.length}]`;
const VERBS = Array.from({ length: 40 }, (_, i) => `verb${i}`);
const SERVICES = ['tinycli', 'deploytool', 'dbctl', 'docsgen', 'infra'];
const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'claude-sonnet-4'];
const TOOLS = ['Bash', 'Read', 'Edit', 'Write', 'Grep', 'Glob', 'WebFetch', 'Task'];
const EVENTS = ['api_request', 'api_request', 'api_request', 'api_request', 'api_request', 'api_request', 'tool_result', 'tool_result', 'api_error', 'user_prompt'];

/** One chunk of synthetic events: half cli.command, half Claude Code events. */
export function insertChunk(db, offset, nowSeconds) {
  const ts = `toDateTime64(${nowSeconds} - ${h(1)} % ${SPREAD_DAYS * DAY_SECONDS}, 9) + toIntervalNanosecond(${h(2)} % 1000000000)`;
  const isCli = `(number % 2 = 0)`;
  const event = pick(EVENTS, 3);
  // 200 users; 70 % send an email, the rest only an id; keyed hashes, as the Collector stores them.
  const user = `lower(hex(SHA256(concat('user-', toString(${h(4)} % 200)))))`;
  const hasEmail = `(${h(4)} % 200 < 140)`;
  const cliAttrs = `map('event.name', 'cli.command', 'cli.verb', ${pick(VERBS, 5)}, 'cli.exit_code', if(${h(6)} % 10 = 0, toString(1 + ${h(7)} % 3), '0'))`;
  const ccAttrs = `mapFilter((k, v) -> v != '', map(
      'event.name', ev,
      'user.email', if(${hasEmail}, concat('e', ${user}), ''),
      'user.id', ${user},
      'session.id', concat('s', toString(${h(4)} % 200), '-', toString(intDiv(${h(1)} % ${SPREAD_DAYS * DAY_SECONDS}, 3600))),
      'model', if(ev IN ('api_request', 'api_error'), ${pick(MODELS, 8)}, ''),
      'cost_usd', if(ev = 'api_request', toString(round((${h(9)} % 100000) / 1000000, 6)), ''),
      'input_tokens', if(ev = 'api_request', toString(${h(10)} % 5000), ''),
      'output_tokens', if(ev = 'api_request', toString(${h(11)} % 2000), ''),
      'cache_read_tokens', if(ev = 'api_request', toString(${h(12)} % 20000), ''),
      'cache_creation_tokens', if(ev = 'api_request', toString(${h(13)} % 3000), ''),
      'status_code', if(ev = 'api_error', ${pick(['429', '500', '529', '400'], 14)}, ''),
      'error', if(ev = 'api_error', ${pick(['Overloaded', 'Rate limited', 'Internal server error', 'Bad request'], 15)}, ''),
      'tool_name', if(ev = 'tool_result', ${pick(TOOLS, 16)}, ''),
      'success', if(ev = 'tool_result', if(${h(17)} % 10 = 0, 'false', 'true'), ''),
      'error_type', if(ev = 'tool_result' AND ${h(17)} % 10 = 0, ${pick(['exit_code', 'timeout', 'file_not_found'], 18)}, ''),
      'prompt_length', if(ev = 'user_prompt', toString(${h(19)} % 2000), '')))`;
  return `INSERT INTO ${db}.otel_logs (Timestamp, ServiceName, Body, ScopeName, EventName, LogAttributes, ResourceAttributes, SeverityText, SeverityNumber)
SELECT
    ${ts} AS Timestamp,
    if(${isCli}, ${pick(SERVICES, 20)}, 'claude-code') AS ServiceName,
    if(${isCli}, '', concat('claude_code.', ev)) AS Body,
    if(${isCli}, 'telemetry-stack/client', 'com.anthropic.claude_code.events') AS ScopeName,
    if(${isCli}, 'cli.command', '') AS EventName,
    if(${isCli}, ${cliAttrs}, ${ccAttrs}) AS LogAttributes,
    if(${isCli},
       map('service.name', ServiceName, 'service.version', '1.0.0', 'cli.fingerprint', concat('fp', toString(${h(21)} % 5000))),
       map('service.name', 'claude-code', 'service.version', '2.1.197', 'team', ${pick(['platform', 'web', 'data', 'infra', 'mobile'], 22)})) AS ResourceAttributes,
    'INFO', 9
FROM (SELECT number, ${event} AS ev FROM numbers(${offset}, ${CHUNK}))`;
}

const TEMPLATES = [
  ['usage-top', true],
  ['errors-verbs', true],
  ['cost', true],
  ['tokens', true],
  ['errors-api', false],
  ['errors-tools', false],
  ['sessions', false],
  ['insights-services', true],
  ['insights-verbs', true],
  ['insights-activity', false],
];

// Two of it at once must finish in about the time of one when the engine runs them side by side.
const SLOW = { name: 'cost', raw: true, label: 'cost --raw' };
const SHORT = { name: 'tokens', raw: false, label: 'tokens' };

const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'ts-bench-queries-'));
  const [grpc, http, health, metrics, storage] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const file = join(dir, 'telemetry-stack.yaml');
  writeFileSync(
    file,
    `version: 1.0\nname: bench\ndataDir: ${join(dir, 'data')}\nbackend: embedded\nruntime: process\nreceivers: {grpc: {port: ${grpc}}, http: {port: ${http}}}\n` +
      `collector: {healthPort: ${health}, metricsPort: ${metrics}}\nclickhouse: {port: ${storage}}\n`,
  );
  const [{ createClient }, { loadStackFile }, { resolveStack }, { openQuerySource }, { homeOf }, { loadTemplate }, { clickHouseValues }, { runTemplateOnClickHouse }] = await Promise.all([
    import('@clickhouse/client'),
    import(join(REPO, 'dist/cli/stack/load.js')),
    import(join(REPO, 'dist/cli/stack/resolve.js')),
    import(join(REPO, 'dist/cli/query/source.js')),
    import(join(REPO, 'dist/cli/home/layout.js')),
    import(join(REPO, 'dist/cli/query/templates.js')),
    import(join(REPO, 'dist/cli/query/params.js')),
    import(join(REPO, 'dist/cli/query/clickhouse.js')),
  ]);
  let client;
  let oneThread;
  let source;
  const results = new Map();
  const together = new Map();
  const skipped = [];
  const loadAtStart = loadAverage();
  try {
    process.stderr.write('bench: starting a throwaway stack\n');
    cli(['up'], file);
    const stack = resolveStack(loadStackFile(file, process.env).stack, file, process.env);
    const password = readFileSync(homeOf(stack.dataDir).clickhousePasswordFile, 'utf8').trim();
    // The loader writes as the embedded engine's writer; the templates read as its read-only user.
    const writer = (settings) =>
      createClient({
        url: `http://127.0.0.1:${storage}`,
        username: 'telemetry_writer',
        password,
        database: stack.clickhouse.database,
        request_timeout: 900_000,
        log: { level: 127 },
        clickhouse_settings: settings,
      });
    client = writer({});
    oneThread = writer({ max_threads: 1 });
    source = openQuerySource(stack, process.env);
    const db = stack.clickhouse.database;
    const nowSeconds = Math.floor(Date.now() / 1000);
    let loaded = 0;
    let secondsPerChunk = 0;
    for (const size of SIZES) {
      const chunks = (size - loaded) / CHUNK;
      const elapsed = (Date.now() - started) / 1000;
      if (secondsPerChunk > 0 && elapsed + chunks * secondsPerChunk * 1.2 > BUDGET_S) {
        skipped.push(`${size.toLocaleString('en-US')}: loading would take about ${Math.round(chunks * secondsPerChunk)} s more, past --budget ${BUDGET_S} s`);
        break;
      }
      const t0 = Date.now();
      for (let c = 0; c < chunks; c++) {
        await client.command({ query: insertChunk(db, loaded, nowSeconds) });
        loaded += CHUNK;
        process.stderr.write(`bench: loaded ${loaded.toLocaleString('en-US')} events (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
      }
      secondsPerChunk = (Date.now() - t0) / 1000 / chunks;
      const check = await (
        await client.query({
          query: `SELECT (SELECT count() FROM ${db}.otel_logs) AS events,
                         (SELECT count() FROM ${db}.otel_logs WHERE ScopeName = 'telemetry-stack/client') AS cli_events,
                         (SELECT sum(Events) FROM ${db}.cli_usage_daily) AS cli_rollup_events,
                         (SELECT count() FROM ${db}.otel_logs WHERE LogAttributes['event.name'] = 'api_request') AS requests,
                         (SELECT sum(Requests) FROM ${db}.claude_code_cost_daily) AS cost_rollup_requests,
                         (SELECT count() FROM ${db}.cli_usage_daily) + (SELECT count() FROM ${db}.claude_code_cost_daily) AS rollup_rows`,
          format: 'JSONEachRow',
        })
      ).json();
      const k = check[0];
      // The views must have seen every insert, or the rollup timings mean nothing.
      if (Number(k.cli_events) !== Number(k.cli_rollup_events) || Number(k.requests) !== Number(k.cost_rollup_requests)) {
        throw new Error(`the rollups do not match the events: ${JSON.stringify(k)}`);
      }
      process.stderr.write(`bench: ${Number(k.events).toLocaleString('en-US')} events in otel_logs; rollups filled by the views (${Number(k.rollup_rows).toLocaleString('en-US')} rollup rows)\n`);
      // Merged parts, as a stack that has run for a while has them (background merges), so the
      // timings do not depend on how far merging got after the bulk load.
      for (const table of ['otel_logs', 'cli_usage_daily', 'claude_code_cost_daily']) {
        await client.command({ query: `OPTIMIZE TABLE ${db}.${table} FINAL` });
      }
      const until = new Date();
      const filters = (raw) => ({
        range: { since: new Date(until.getTime() - 30 * DAY_SECONDS * 1000), until },
        service: '',
        user: '',
        model: '',
        limit: 100,
        raw,
        userAttribute: 'team',
        minGroup: 5,
      });
      for (const [name, hasRollup] of TEMPLATES) {
        for (const raw of hasRollup ? [false, true] : [false]) {
          const key = raw ? `${name} (raw)` : name;
          const times = [];
          let rows = 0;
          await source.run(name, filters(raw)); // warm-up: the first read of a table pays for caches
          for (let r = 0; r < RUNS; r++) {
            const t = performance.now();
            const result = await source.run(name, filters(raw));
            times.push(performance.now() - t);
            rows = result.rows.length;
          }
          const entry = results.get(key) ?? { reads: raw || !hasRollup ? 'otel_logs' : 'rollup + edges', sizes: new Map() };
          entry.sizes.set(size, { ms: median(times), rows });
          results.set(key, entry);
          process.stderr.write(`bench: ${size.toLocaleString('en-US')} ${key}: ${median(times).toFixed(0)} ms, ${rows} rows\n`);
        }
      }
      const timed = async (q) => {
        const t = performance.now();
        await source.run(q.name, filters(q.raw));
        return performance.now() - t;
      };
      // The same template text and parameters the CLI sends, on one thread.
      const timedOneThread = async (q) => {
        const template = loadTemplate('clickhouse', q.name);
        const values = clickHouseValues(stack, process.env, filters(q.raw));
        const t = performance.now();
        await runTemplateOnClickHouse(oneThread, stack, template, values);
        return performance.now() - t;
      };
      const alone = [];
      const both = [];
      const shortAlone = [];
      const shortBesideSlow = [];
      const aloneOneThread = [];
      const bothOneThread = [];
      await timed(SLOW);
      await timed(SHORT);
      await timedOneThread(SLOW);
      // Alternating, so a change in the machine's load falls on every side alike.
      for (let r = 0; r < RUNS; r++) {
        alone.push(await timed(SLOW));
        const t = performance.now();
        await Promise.all([timed(SLOW), timed(SLOW)]);
        both.push(performance.now() - t);
        shortAlone.push(await timed(SHORT));
        const [, short] = await Promise.all([timed(SLOW), timed(SHORT)]);
        shortBesideSlow.push(short);
        aloneOneThread.push(await timedOneThread(SLOW));
        const t1 = performance.now();
        await Promise.all([timedOneThread(SLOW), timedOneThread(SLOW)]);
        bothOneThread.push(performance.now() - t1);
      }
      together.set(size, {
        alone: median(alone),
        both: median(both),
        shortAlone: median(shortAlone),
        shortBesideSlow: median(shortBesideSlow),
        aloneOneThread: median(aloneOneThread),
        bothOneThread: median(bothOneThread),
      });
      process.stderr.write(`bench: ${size.toLocaleString('en-US')} ${SLOW.label}: ${median(alone).toFixed(0)} ms alone, ${median(both).toFixed(0)} ms two at once\n`);
    }
  } finally {
    await source?.close().catch(() => undefined);
    await client?.close().catch(() => undefined);
    await oneThread?.close().catch(() => undefined);
    try {
      cli(['down'], file);
    } catch (e) {
      process.stderr.write(`bench: down failed: ${e.message}\n`);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  const sizes = [...new Set([...results.values()].flatMap((e) => [...e.sizes.keys()]))];
  const header = ['template', 'reads', ...sizes.flatMap((s) => [`median @${s / 1_000_000}M`, 'rows'])];
  const body = [...results].map(([name, e]) => [name, e.reads, ...sizes.flatMap((s) => (e.sizes.has(s) ? [`${e.sizes.get(s).ms.toFixed(0)} ms`, String(e.sizes.get(s).rows)] : ['-', '-']))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(`\nquery templates, embedded engine, range 30 days of ${SPREAD_DAYS} loaded, median of ${RUNS} runs, limit 100`);
  console.log(line(header));
  console.log('|' + widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of body) console.log(line(r));
  if (together.size > 0) {
    console.log(`\ntwo slow queries at once (${SLOW.label}, read-only user over HTTP), median of ${RUNS} runs`);
    console.log(`| events | one alone | two at once (both answered) | ratio | ${SHORT.label} alone | ${SHORT.label} sent with one ${SLOW.label} |`);
    console.log(`|-------:|----------:|----------------------------:|------:|${'-'.repeat(SHORT.label.length + 7)}:|${'-'.repeat(SHORT.label.length + SLOW.label.length + 16)}:|`);
    for (const [size, t] of together) {
      const cells = [
        `${size / 1_000_000}M`,
        `${t.alone.toFixed(0)} ms`,
        `${t.both.toFixed(0)} ms`,
        (t.both / t.alone).toFixed(2),
        `${t.shortAlone.toFixed(0)} ms`,
        `${t.shortBesideSlow.toFixed(0)} ms`,
      ];
      const widths = [6, 9, 27, 5, SHORT.label.length + 6, SHORT.label.length + SLOW.label.length + 15];
      console.log('| ' + cells.map((c, i) => c.padStart(widths[i])).join(' | ') + ' |');
    }
    console.log(`\nthe same two with one thread per query (max_threads = 1, as the writer), median of ${RUNS} runs`);
    console.log('| events | one alone | two at once (both answered) | ratio | one alone, all cores / one thread |');
    console.log('|-------:|----------:|----------------------------:|------:|----------------------------------:|');
    for (const [size, t] of together) {
      const cells = [
        `${size / 1_000_000}M`,
        `${t.aloneOneThread.toFixed(0)} ms`,
        `${t.bothOneThread.toFixed(0)} ms`,
        (t.bothOneThread / t.aloneOneThread).toFixed(2),
        (t.alone / t.aloneOneThread).toFixed(2),
      ];
      const widths = [6, 9, 27, 5, 33];
      console.log('| ' + cells.map((c, i) => c.padStart(widths[i])).join(' | ') + ' |');
    }
  }
  console.log(`\nload average (1, 5, 15 min): ${loadAtStart} at the start, ${loadAverage()} at the end`);
  for (const s of skipped) console.log(`skipped ${s}`);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

// scripts/bench-dashboard.mjs imports the event generator; only a run of this file benchmarks.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`bench-queries: ${e.message}`);
    process.exit(1);
  });
}
