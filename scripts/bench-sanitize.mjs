#!/usr/bin/env node
// Cost of sanitizing in the real Collector: the sanitize processor (privacy.engine: processor) and the
// stock chain (privacy.engine: stock), each as a stack file renders it, against the same Collector
// with only memory_limiter, fed by the same load generator, side by side in one run.
//
//   npx tsc -p tsconfig.json && node scripts/bench-sanitize.mjs [--rounds 3] [--records 200000]
//        [--concurrency 8] [--batch 200] [--seconds 30] [--ablate]
//
// Each variant is a separate Collector process started once; rounds alternate between them (and
// between the two record mixes described below) so drift in machine load spreads over all of them.
// The load generator is one Node process sending OTLP/HTTP protobuf (one pre-encoded request per
// mix, sent `concurrency` at a time) to 127.0.0.1 only; a round ends
// after `records` records or `seconds`, whichever is first. The exporter is `debug` at basic
// verbosity, so storage costs nothing and the figures are the pipeline's own.
//
// Figures per mix and variant: logs/s (median over rounds), Collector CPU seconds per 10k logs
// (utime+stime from /proc/<pid>/stat over the rounds), the ratio to the bare Collector; and peak RSS
// (VmHWM) per variant.
// Targets: processor/bare >= 0.8 on the typical mix and >= 0.5 on the worst, peak RSS within bare
// + 32 MiB; the stock chain's ratio is printed beside them from the same run.
// --ablate adds one variant per processor of the stock chain with that processor removed, to find which
// one costs most. GOMAXPROCS for the Collectors defaults to 1 (BENCH_GOMAXPROCS), so the load generator
// has a core of its own and the figures read as per-core throughput.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(join(REPO, 'dist', p));
const { renderCollectorConfig } = await dist('cli/render/collector-config.js');
const { loadSanitizeInputs } = await dist('cli/render/inputs.js');
const { toYaml } = await dist('cli/render/yaml.js');
const { parseStackFile } = await dist('cli/stack/load.js');
const { resolveStack } = await dist('cli/stack/resolve.js');
const { ensureCollector } = await dist('cli/collector/build.js');

function option(name, fallback, { min = 1, max = 10_000_000 } = {}) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer from ${min} to ${max}`);
    process.exit(1);
  }
  return n;
}
const ROUNDS = option('rounds', 3, { max: 50 });
const RECORDS = option('records', 200_000);
const CONCURRENCY = option('concurrency', 8, { max: 256 });
const BATCH = option('batch', 200, { max: 10_000 });
const SECONDS = option('seconds', 30, { max: 600 });
const ABLATE = process.argv.includes('--ablate');
const GOMAXPROCS = process.env.BENCH_GOMAXPROCS || '1';
const HMAC_KEY = 'f1e2d3c4b5a697887766554433221100ffeeddccbbaa99887766554433221100';
// utime and stime in /proc/<pid>/stat are in clock ticks.
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function freePort() {
  return new Promise((done, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

// ---- the records: what Claude Code 2.1.330 sends ----------------------------------------------
//
// Two mixes, each run against every variant:
//  worst   — a quarter each of api_request, tool_result, user_prompt and api_error, and every free
//            text (prompt, tool parameters, error) carries a secret, an e-mail or an address;
//  typical — the shape of an agentic turn: per user prompt about 8 model calls and 7 tool uses
//            (decision + result), so 1 user_prompt, 8 api_request, 7 tool_decision and 7
//            tool_result in 23 records, ordinary commands and prose in the free text, and a secret
//            in every 30th tool command (2 of every 200 records). The proportions are an assumption, stated here so the
//            figure can be read against a team's own traffic.

const RESOURCE = {
  attributes: { 'service.name': 'claude-code', 'service.version': '2.1.330', 'os.type': 'linux', 'os.version': '6.8.0', 'host.arch': 'amd64', team: 'platform' },
};
const SCOPE = { name: 'com.anthropic.claude_code.events', version: '2.1.330' };
const SECRET = 'sk-ant-api03-' + 'Zx9_Qw8-Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm6'.repeat(2) + 'AA';

function common(i) {
  return {
    team: 'platform',
    'user.id': '755bc4249682a09aac350be6cfd4b45959ab0016903795870b60b6a19b5b421d',
    'session.id': '62868a0a-a8a3-4e9d-a01d-0b8896600083',
    'anthropic.provider': 'firstParty',
    'terminal.type': 'non-interactive',
    'event.timestamp': '2026-11-22T00:15:31.117Z',
    'event.sequence': i,
    'prompt.id': 'ecd5a8fa-7dd5-438b-b7f0-4f899bcb8bd7',
  };
}

function withTimes(records) {
  const now = Date.now();
  const hr = [Math.floor(now / 1000), (now % 1000) * 1e6];
  return records.map((r) => ({ ...r, hrTime: hr, hrTimeObserved: hr, droppedAttributesCount: 0, resource: RESOURCE, instrumentationScope: SCOPE }));
}

const apiRequest = (i) => ({
  body: 'claude_code.api_request',
  attributes: {
    ...common(i),
    'event.name': 'api_request',
    model: 'claude-opus-5-5',
    input_tokens: 1200,
    output_tokens: 80,
    cache_read_tokens: 300,
    cache_creation_tokens: 150,
    cache_creation_5m_tokens: 0,
    cost_usd: 0.00721,
    cost_usd_micros: 7210,
    duration_ms: 94,
    ttft_ms: 34,
    request_id: 'req_msg_e4997a08237eaddcb4efd24e',
    speed: 'normal',
    query_source: 'sdk',
    effort: 'medium',
  },
});

const toolDecision = (i) => ({
  body: 'claude_code.tool_decision',
  attributes: { ...common(i), 'event.name': 'tool_decision', tool_name: 'Bash', tool_use_id: 'toolu_09e634a45c8067d2c79dae70', decision: 'accept', source: 'config' },
});

const toolResult = (i, command) => ({
  body: 'claude_code.tool_result',
  attributes: {
    ...common(i),
    'event.name': 'tool_result',
    tool_name: 'Bash',
    tool_use_id: 'toolu_09e634a45c8067d2c79dae70',
    success: 'true',
    duration_ms: '49',
    tool_parameters: JSON.stringify({ bash_command: command.split(' ')[0], full_command: command }),
    tool_input: JSON.stringify({ command }),
    tool_input_size_bytes: '125',
    tool_result_size_bytes: '69',
    request_id: 'req_msg_e4997a08237eaddcb4efd24e',
  },
});

const userPrompt = (i, prompt) => ({
  body: 'claude_code.user_prompt',
  attributes: { ...common(i), 'event.name': 'user_prompt', prompt_length: String(prompt.length), prompt, prompt_text: prompt, 'message.uuid': 'a2b3ef45-2b01-4cf1-b648-2244f4af666d' },
});

const apiError = (i, error) => ({
  body: 'claude_code.api_error',
  attributes: { ...common(i), 'event.name': 'api_error', model: 'claude-opus-5-5', status_code: '529', attempt: 2, duration_ms: 1200, error },
});

function worstRecords(n) {
  const kinds = [
    (i) => apiRequest(i),
    (i) => toolResult(i, `curl -H "Authorization: Bearer ${SECRET}" https://127.0.0.1:9/x`),
    (i) => userPrompt(i, `Please check my key ${SECRET} and mail alice.jones@example.org about /home/alice/project`),
    (i) => apiError(i, `Overloaded while calling https://api.example.com from 10.1.2.3 as bob.smith@example.com (key ${SECRET})`),
  ];
  return withTimes(Array.from({ length: n }, (_, i) => kinds[i % kinds.length](i)));
}

const COMMANDS = [
  'npm test -- --run test/unit/render.test.ts',
  'git status --short',
  'git diff --stat HEAD~1',
  'rg -n "renderCollectorConfig" cli/render',
  'ls -la src/components',
  'npx tsc --noEmit -p tsconfig.json',
  'cat package.json',
];
const PROMPTS = [
  'The parser drops the last line of a file without a trailing newline; find out why and fix it, with a test.',
  'Refactor the retry loop in the HTTP client so that the backoff is capped and jittered, and update the docs.',
];

function typicalRecords(n) {
  // One turn: prompt, then model calls interleaved with tool uses.
  const turn = ['prompt', ...Array.from({ length: 7 }, () => ['api', 'decision', 'result']).flat(), 'api'];
  const records = [];
  let results = 0;
  for (let i = 0; i < n; i++) {
    const kind = turn[i % turn.length];
    if (kind === 'prompt') records.push(userPrompt(i, PROMPTS[Math.floor(i / turn.length) % PROMPTS.length]));
    else if (kind === 'api') records.push(apiRequest(i));
    else if (kind === 'decision') records.push(toolDecision(i));
    else {
      // About 60 tool results in 200 records; every 30th pastes a credential into its command.
      const secret = results % 30 === 29;
      records.push(toolResult(i, secret ? `curl -H "Authorization: Bearer ${SECRET}" https://127.0.0.1:9/x` : COMMANDS[results % COMMANDS.length]));
      results += 1;
    }
  }
  return withTimes(records);
}

const MIXES = { worst: worstRecords, typical: typicalRecords };

// ---- the Collectors -----------------------------------------------------------------------------

function stackFor(dir, ports, engine = 'processor') {
  const text = `version: 1
name: bench
dataDir: ${join(dir, 'data')}
backend: embedded
runtime: process
receivers:
  grpc: {port: ${ports.grpc}}
  http: {port: ${ports.http}}
collector: {healthPort: ${ports.health}, metricsPort: ${ports.metrics}, memoryLimitMiB: 1024}
privacy: {engine: ${engine}}
`;
  const { stack, problems } = parseStackFile(text, join(dir, 'telemetry-stack.yaml'), {});
  if (!stack) throw new Error(problems.map((p) => p.message).join('\n'));
  return resolveStack(stack, join(dir, 'telemetry-stack.yaml'), {});
}

/** The rendered config with `debug` as exporter and the logs pipeline's processors as given. */
function variantConfig(rendered, processors) {
  const config = structuredClone(rendered);
  config.exporters = { debug: { verbosity: 'basic' } };
  // No queue on disk: the bench measures the pipeline, not file_storage.
  config.extensions = { health_check: config.extensions.health_check };
  config.service.extensions = ['health_check'];
  config.service.pipelines = { logs: { receivers: ['otlp'], processors, exporters: ['debug'] } };
  config.processors = Object.fromEntries(processors.map((id) => [id, rendered.processors[id]]));
  config.service.telemetry.logs = { level: 'warn' };
  return config;
}

async function startCollector(binary, name, engine, build) {
  const dir = mkdtempSync(join(tmpdir(), `bench-sanitize-${name.replace(/\W+/g, '-')}-`));
  const ports = { grpc: await freePort(), http: await freePort(), health: await freePort(), metrics: await freePort() };
  const stack = stackFor(dir, ports, engine);
  const rendered = renderCollectorConfig(stack, loadSanitizeInputs(), 'process');
  const config = build(rendered);
  const file = join(dir, 'collector.yaml');
  writeFileSync(file, toYaml(config, ''));
  let output = '';
  const child = spawn(binary, [`--config=file:${file}`], {
    env: { PATH: process.env.PATH, HOME: dir, GOMAXPROCS, [stack.privacy.userId.keyEnv]: HMAC_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${name}: collector exited early:\n${output}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${ports.health}/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${name}: collector not healthy within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    pid: child.pid,
    port: ports.http,
    processors: config.service.pipelines.logs.processors,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function cpuSeconds(pid) {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function peakRssMiB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// ---- the load generator -------------------------------------------------------------------------

async function load(port, body, recordsPerRequest, limits = { records: RECORDS, seconds: SECONDS }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const requests = Math.ceil(limits.records / recordsPerRequest);
  const deadline = Date.now() + limits.seconds * 1000;
  let next = 0;
  let acked = 0;
  let failed = 0;
  const send = () =>
    new Promise((done) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) acked += recordsPerRequest;
          else failed += 1;
          done();
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        failed += 1;
        done();
      });
      req.end(body);
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests && Date.now() < deadline) {
        next += 1;
        await send();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { acked, failed, seconds };
}

// ---- the run ------------------------------------------------------------------------------------

/** processor/bare throughput each mix must reach. */
const TARGETS = { typical: 0.8, worst: 0.5 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const binary = await ensureCollector((line) => process.stderr.write(`[collector build] ${line}\n`));
const bodies = Object.fromEntries(Object.entries(MIXES).map(([mix, records]) => [mix, Buffer.from(ProtobufLogsSerializer.serializeRequest(records(BATCH)))]));

const probeDir = mkdtempSync(join(tmpdir(), 'bench-sanitize-probe-'));
const probePorts = { grpc: 1, http: 2, health: 3, metrics: 4 };
const pipelineOf = (engine) => renderCollectorConfig(stackFor(probeDir, probePorts, engine), loadSanitizeInputs(), 'process').service.pipelines.logs.processors;
const chain = pipelineOf('stock');
const processor = pipelineOf('processor');
rmSync(probeDir, { recursive: true, force: true });
const variants = [
  { name: 'bare', engine: 'processor', processors: ['memory_limiter'] },
  { name: 'processor', engine: 'processor', processors: processor },
  { name: 'stock chain', engine: 'stock', processors: chain },
];
if (ABLATE) {
  for (const id of chain.filter((p) => p !== 'memory_limiter')) variants.push({ name: `stock chain - ${id}`, engine: 'stock', processors: chain.filter((p) => p !== id) });
}

const collectors = [];
const onSignal = async () => {
  await Promise.allSettled(collectors.map((c) => c.stop()));
  process.exit(130);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

function printTable(rows) {
  const header = Object.keys(rows[0]);
  const widths = header.map((h) => Math.max(h.length, ...rows.map((r) => r[h].length)));
  const line = (cells) => cells.map((x, i) => x.padEnd(widths[i])).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(header.map((h) => r[h])));
}

// results.get(mix).get(variant): rates per round, CPU seconds and logs over all rounds.
const results = new Map(Object.keys(MIXES).map((mix) => [mix, new Map()]));
try {
  for (const v of variants) {
    collectors.push(await startCollector(binary, v.name, v.engine, (rendered) => variantConfig(rendered, v.processors)));
    for (const byVariant of results.values()) byVariant.set(v.name, { rates: [], cpu: 0, logs: 0, failed: 0 });
  }
  const sizes = Object.entries(bodies)
    .map(([mix, b]) => `${mix} ${b.length} bytes`)
    .join(', ');
  console.error(
    `bench: ${ROUNDS} rounds x ${variants.length} variants x ${Object.keys(MIXES).length} mixes, up to ${RECORDS} records or ${SECONDS} s each, ${CONCURRENCY} concurrent requests of ${BATCH} records (${sizes}), GOMAXPROCS=${GOMAXPROCS}`,
  );
  // Warm-up: one short burst each, so JIT, GC and connection set-up are out of the measurement.
  for (const c of collectors) for (const body of Object.values(bodies)) await load(c.port, body, BATCH, { records: 20 * BATCH, seconds: 3 });
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [mix, body] of Object.entries(bodies)) {
      for (const c of collectors) {
        const cpuBefore = cpuSeconds(c.pid);
        const r = await load(c.port, body, BATCH);
        const cpu = cpuSeconds(c.pid) - cpuBefore;
        const acc = results.get(mix).get(c.name);
        acc.rates.push(r.acked / r.seconds);
        acc.cpu += cpu;
        acc.logs += r.acked;
        acc.failed += r.failed;
        console.error(
          `round ${round} ${mix} ${c.name}: ${r.acked} logs in ${r.seconds.toFixed(2)} s = ${(r.acked / r.seconds).toFixed(0)} logs/s, cpu ${cpu.toFixed(2)} s, failed requests ${r.failed}`,
        );
      }
    }
  }
  const ratios = [];
  for (const [mix, byVariant] of results) {
    const bare = median(byVariant.get('bare').rates);
    console.log(`\n${mix} mix`);
    printTable(
      collectors.map((c) => {
        const acc = byVariant.get(c.name);
        const rate = median(acc.rates);
        return {
          variant: c.name,
          'logs/s': rate.toFixed(0),
          'CPU s / 10k logs': ((acc.cpu / acc.logs) * 10_000).toFixed(3),
          'vs bare': (rate / bare).toFixed(2),
          'failed requests': String(acc.failed),
        };
      }),
    );
    ratios.push([mix, median(byVariant.get('processor').rates) / bare, median(byVariant.get('stock chain').rates) / bare]);
  }
  const rss = new Map(collectors.map((c) => [c.name, peakRssMiB(c.pid)]));
  console.log(`\npeak RSS MiB: ${[...rss].map(([name, mib]) => `${name} ${mib.toFixed(1)}`).join(', ')}`);
  const rssOver = rss.get('processor') - rss.get('bare');
  console.log(`processor peak RSS over bare: ${rssOver.toFixed(1)} MiB (target <= 32: ${rssOver <= 32 ? 'met' : 'MISSED'})`);
  for (const [mix, ratio, stock] of ratios) {
    const target = TARGETS[mix];
    const verdict = target === undefined ? '' : ` (target >= ${target.toFixed(2)}: ${ratio >= target ? 'met' : 'MISSED'})`;
    console.log(`processor/bare throughput ratio, ${mix} mix: ${ratio.toFixed(2)}${verdict}; stock chain/bare: ${stock.toFixed(2)}`);
  }
} finally {
  await Promise.allSettled(collectors.map((c) => c.stop()));
}
