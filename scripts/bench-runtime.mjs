#!/usr/bin/env node
// Process-runtime benchmark on the embedded engine: `up` to healthy (warm: binaries built, data
// dir exists), verify's end-to-end latency, events/s stored through the Collector into the
// embedded engine, and each process's peak RSS. Each compression of the Collector's inserts
// (clickhouse.compress) runs as its own stack, one after the other, and the figures are printed
// side by side with their ratio to the first. Loopback only; bounded in count and time.
//
//   npm run build && node scripts/bench-runtime.mjs [--runs 5] [--events 50000] [--compress none,lz4]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const runs = opt('--runs', 5);
const events = Math.min(opt('--events', 50_000), 500_000);
const compressions = (argv.includes('--compress') ? argv[argv.indexOf('--compress') + 1] : 'none,lz4').split(',');
for (const c of compressions) if (!['none', 'lz4', 'zstd'].includes(c)) throw new Error(`--compress ${c}: expected none, lz4 or zstd`);
const ingestRuns = Math.min(runs, 3);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** One stack with the given compression: its figures, medians over the runs. */
async function bench(compress) {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-bench-'));
  const [grpc, http, health, metrics, storage, native] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const file = join(dir, 'telemetry-stack.yaml');
  writeFileSync(
    file,
    `version: 1.0\nname: bench\ndataDir: ${join(dir, 'data')}\nbackend: embedded\nruntime: process\nprofiles: [cli-usage]\nreceivers:\n  grpc: {port: ${grpc}}\n  http: {port: ${http}}\ncollector: {healthPort: ${health}, metricsPort: ${metrics}}\nclickhouse: {port: ${storage}, nativePort: ${native}, compress: ${compress}}\n`,
  );

  const cliRun = (...args) => {
    const t = process.hrtime.bigint();
    const r = spawnSync('node', [cli, ...args, '--file', file], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, stdout: r.stdout };
  };

  try {
    cliRun('up'); // first up: creates the data dir, secrets and tables (not counted)
    const upTimes = [];
    for (let i = 0; i < runs; i++) {
      cliRun('down');
      upTimes.push(cliRun('up').ms);
    }
    const latencies = [];
    for (let i = 0; i < runs; i++) latencies.push(JSON.parse(cliRun('verify', '--json').stdout).latencyMs);

    const { homeOf } = await import(join(root, 'dist', 'cli', 'home', 'layout.js'));
    const password = readFileSync(homeOf(join(dir, 'data')).clickhousePasswordFile, 'utf8').trim();
    const count = async (runId) => {
      const res = await fetch(`http://127.0.0.1:${storage}/`, {
        method: 'POST',
        // The engine's writer user (storage/chdb-server); its password is the one up generated.
        headers: { authorization: `Basic ${Buffer.from(`telemetry_writer:${password}`).toString('base64')}` },
        body: `SELECT count() FROM telemetry.otel_logs WHERE position(Body, '${runId}') > 0 FORMAT TabSeparated`,
      });
      const text = (await res.text()).trim();
      if (!res.ok) throw new Error(`count: HTTP ${res.status}: ${text}`);
      return Number(text);
    };
    const ingest = [];
    for (let r = 0; r < ingestRuns; r++) {
      const runId = `bench-${Date.now()}`;
      const batch = 1000;
      const started = Date.now();
      const inflight = new Set();
      for (let start = 0; start < events; start += batch) {
        const n = Math.min(batch, events - start);
        const now = BigInt(Date.now()) * 1_000_000n;
        const logRecords = Array.from({ length: n }, (_, i) => ({
          timeUnixNano: String(now + BigInt(i)),
          body: { stringValue: `${runId} ${start + i}` },
          attributes: [
            { key: 'cli.verb', value: { stringValue: `verb${i % 13}` } },
            { key: 'cli.exit_code', value: { intValue: '0' } },
          ],
        }));
        const body = JSON.stringify({
          resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] }, scopeLogs: [{ scope: { name: 'telemetry-stack/client' }, logRecords }] }],
        });
        const p = fetch(`http://127.0.0.1:${http}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(60_000) }).then((r) =>
          r.arrayBuffer(),
        );
        inflight.add(p);
        p.finally(() => inflight.delete(p));
        if (inflight.size >= 4) await Promise.race(inflight);
      }
      await Promise.all(inflight);
      const acceptedAt = Date.now();
      let stored = 0;
      const deadline = Date.now() + 300_000;
      while (Date.now() < deadline && stored < events) {
        stored = await count(runId);
        if (stored < events) await new Promise((r) => setTimeout(r, 250));
      }
      const storedAt = Date.now();
      if (stored < events) throw new Error(`compress ${compress}: ${stored} of ${events} events stored within 300 s`);
      ingest.push({ acceptedPerSecond: events / ((acceptedAt - started) / 1000), storedPerSecond: stored / ((storedAt - started) / 1000) });
    }

    const status = JSON.parse(cliRun('status', '--json').stdout);
    const peak = Object.fromEntries(status.components.map((c) => [c.component, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${c.id}/status`, 'utf8'))?.[1]) / 1024]));
    return {
      up: median(upTimes),
      verify: median(latencies),
      accepted: median(ingest.map((i) => i.acceptedPerSecond)),
      stored: median(ingest.map((i) => i.storedPerSecond)),
      collectorRss: peak.collector,
      storageRss: peak.clickhouse,
    };
  } finally {
    spawnSync('node', [cli, 'down', '--file', file], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const c of compressions) results.push(await bench(c));
const rows = [
  ['up to healthy (warm), ms', 'up'],
  ['verify end-to-end latency, ms', 'verify'],
  [`ingest accepted, events/s (${events}/run)`, 'accepted'],
  [`ingest stored end to end, events/s`, 'stored'],
  ['Collector peak RSS, MiB', 'collectorRss'],
  ['engine peak RSS, MiB', 'storageRss'],
];
console.log(`process runtime, embedded engine: medians of ${runs} up/verify runs and ${ingestRuns} ingest runs per column`);
const head = ['', ...compressions.map((c) => `compress ${c}`), ...compressions.slice(1).map((c) => `${c}/${compressions[0]}`)];
const table = rows.map(([label, key]) => [label, ...results.map((r) => r[key].toFixed(0)), ...results.slice(1).map((r) => (r[key] / results[0][key]).toFixed(2))]);
const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
for (const line of [head, ...table]) console.log(line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
