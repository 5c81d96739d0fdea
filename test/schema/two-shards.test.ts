import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../cli/errors.js';
import { loadTemplate, templateNames } from '../../cli/query/templates.js';
import { EXPORTER_TABLES } from '../../cli/render/clickhouse-ddl.js';
import { renderCollectorConfig } from '../../cli/render/collector-config.js';
import { loadSanitizeInputs } from '../../cli/render/inputs.js';
import { toYaml } from '../../cli/render/yaml.js';
import { applySchema, planSchema } from '../../cli/schema/apply.js';
import { desiredSchema } from '../../cli/schema/desired.js';
import { localName } from '../../cli/schema/layout.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack, type Stack } from '../../cli/stack/resolve.js';
import { ensureLauncher, libchdbPath } from '../../cli/store/embedded/launcher-build.js';
import { startLauncher, type RunningLauncher } from '../../cli/store/embedded/launcher-process.js';
import { claudeCode, cliUsage } from '../query/dataset.js';
import { CLAUDE_SCOPE, claudeEvent, logsBody, metricsBody, post, type ResourceLogs } from '../query/otlp.js';
import { startCollector, testCollectorBinary, type RunningCollector } from '../support/collector.js';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { freePorts } from '../support/ports.js';
import { schemaStatements } from '../support/schema-statements.js';

/**
 * Two real ClickHouse servers (libchdb through the chdb-server launcher) on loopback as two shards
 * of one cluster, and a third as a single server. One real Collector writes every record twice:
 * through the schema telemetry-stack applies (create_schema: false, Distributed otel_* tables over
 * otel_*_local on both shards) and into the exporter's own schema on the single server
 * (create_schema: true). Then the two must agree: columns, and the answer of every query template.
 * Replication and Keeper do not run here, so the shards are MergeTree (clickhouse.cluster.replicated false).
 */

const PASSWORD = 'two-shards-writer-password-0123456789';
const READER_PASSWORD = 'two-shards-reader-password-0123456789';
const CLUSTER = 'shards';
const DB = 'telemetry';

let dir: string;
let shardA: RunningLauncher;
let shardB: RunningLauncher;
let single: RunningLauncher;
let collector: RunningCollector | undefined;
let clusterStack: Stack;
let singleStack: Stack;
const clients: ClickHouseClient[] = [];
let expectedLogs = 0;
const now = Date.now();

function stackFrom(text: string, name: string): Stack {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  const parsed = parseStackFile(text, file, process.env);
  if (!parsed.stack) throw new Error(`stack file does not load:\n${parsed.problems.map(formatProblem).join('\n')}`);
  return resolveStack(parsed.stack, file, process.env);
}

function client(server: RunningLauncher, user: 'writer' | 'reader', database = DB): ClickHouseClient {
  const c = createClient({
    url: server.ready.url,
    username: user === 'writer' ? server.ready.writerUser : server.ready.readerUser,
    password: user === 'writer' ? PASSWORD : READER_PASSWORD,
    database,
    request_timeout: 60_000,
  });
  clients.push(c);
  return c;
}

async function rows<T = Record<string, unknown>>(c: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await (await c.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json()) as T[];
}

async function count(c: ClickHouseClient, table: string): Promise<number> {
  return Number((await rows<{ n: number }>(c, `SELECT count() AS n FROM ${table}`))[0]?.n ?? 0);
}

async function waitForCount(c: ClickHouseClient, table: string, want: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = -1;
  while (Date.now() < deadline) {
    n = await count(c, table).catch(() => -1);
    if (n >= want) return n;
    await new Promise((r) => setTimeout(r, 300));
  }
  return n;
}

/** Claude Code requests from 40 more users on the partial last day, so the key has users to spread. */
function moreUsers(): ResourceLogs[] {
  return Array.from({ length: 40 }, (_, u) => ({
    resource: { 'service.name': 'claude-code', 'service.version': '2.1.197', team: `team-${u % 3}` },
    scope: CLAUDE_SCOPE,
    records: [0, 1, 2].map((k) =>
      claudeEvent(now - 20 * 60_000 + u * 1000 + k, k === 2 ? 'tool_result' : 'api_request', {
        'user.id': `user-${u}`,
        'session.id': `s-${u}`,
        model: k === 0 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5',
        cost_usd: 0.01 * (u + k),
        input_tokens: 100 + u,
        output_tokens: 10 + k,
        tool_name: 'Bash',
        success: u % 4 === 0 ? 'false' : 'true',
        error_type: u % 4 === 0 ? 'exit_code' : '',
      }),
    ),
  }));
}

async function startShard(name: string, tcpPorts: number[], self: number): Promise<RunningLauncher> {
  const secrets = join(dir, 'secrets');
  return startLauncher({
    binary: await ensureLauncher(),
    libchdb: libchdbPath(),
    dataDir: join(dir, name),
    writerPasswordFile: join(secrets, 'writer'),
    readerPasswordFile: join(secrets, 'reader'),
    port: 0,
    tcpPort: tcpPorts[self] ?? 0,
    ...(self >= 0 ? { cluster: { name: CLUSTER, shards: tcpPorts.map((p) => `127.0.0.1:${p}`), macros: { shard: String(self + 1), replica: name } } } : {}),
  });
}

beforeAll(async () => {
  const binary = await testCollectorBinary();
  dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-shards-'));
  mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
  // Every server of a cluster shares the writer's password (the launcher derives the servers'
  // shared secret from it).
  writeFileSync(join(dir, 'secrets', 'writer'), `${PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'secrets', 'reader'), `${READER_PASSWORD}\n`, { mode: 0o600 });
  const [tcpA, tcpB, otlpPort, healthPort] = await freePorts(4);
  // Built once, before three launchers would race to build it.
  await ensureLauncher();
  [shardA, shardB, single] = await Promise.all([startShard('shard-a', [tcpA!, tcpB!], 0), startShard('shard-b', [tcpA!, tcpB!], 1), startShard('single', [], -1)]);

  const common = `backend: clickhouse
runtime: process
receivers: {grpc: {enabled: false}, http: {port: ${otlpPort}}}
collector: {healthPort: ${healthPort}}
delivery: {persistentQueue: false, flushInterval: 200ms}
`;
  clusterStack = stackFrom(
    `version: 1
name: shards
dataDir: ${join(dir, 'cluster-data')}
${common}clickhouse:
  url: ${shardA.ready.url}
  username: telemetry_writer
  compress: none
  cluster: {name: ${CLUSTER}, replicated: false, nodes: ['${shardA.ready.url}', '${shardB.ready.url}']}
`,
    'cluster',
  );
  singleStack = stackFrom(
    `version: 1
name: single
dataDir: ${join(dir, 'single-data')}
${common}clickhouse: {url: '${single.ready.url}', username: telemetry_writer, compress: none}
`,
    'single',
  );

  // Our schema first, on each shard (no Keeper, so no ON CLUSTER).
  await applySchema(clusterStack, PASSWORD);

  // One Collector, both exporters exactly as the renderer writes them for each stack.
  const inputs = loadSanitizeInputs();
  const exporterOf = (s: Stack) => (renderCollectorConfig(s, inputs, 'process')['exporters'] as Record<string, unknown>)['clickhouse'];
  const config = {
    extensions: { health_check: { endpoint: `127.0.0.1:${healthPort}` } },
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${otlpPort}` } } } },
    exporters: { 'clickhouse/cluster': exporterOf(clusterStack), 'clickhouse/single': exporterOf(singleStack) },
    service: {
      extensions: ['health_check'],
      telemetry: { metrics: { level: 'none' } },
      pipelines: Object.fromEntries(['logs', 'metrics'].map((s) => [s, { receivers: ['otlp'], exporters: ['clickhouse/cluster', 'clickhouse/single'] }])),
    },
  };
  collector = await startCollector(binary, toYaml(config, ''), healthPort!, { TELEMETRY_STACK_CLICKHOUSE_PASSWORD: PASSWORD });

  // The single server's rollups once its exporter has created otel_logs, as up does.
  const singleWriter = client(single, 'writer', 'default');
  const deadline = Date.now() + 60_000;
  while (!(await rows(singleWriter, "SELECT 1 FROM system.tables WHERE database = 'telemetry' AND name = 'otel_logs'")).length) {
    if (Date.now() > deadline) throw new Error(`the exporter did not create otel_logs:\n${collector.output()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  await applySchema(singleStack, PASSWORD);

  const groups = [...cliUsage(now), ...claudeCode(now), ...moreUsers()];
  expectedLogs = groups.reduce((a, g) => a + g.records.length, 0);
  await post(otlpPort!, '/v1/logs', logsBody(groups));
  const points = Array.from({ length: 20 }, (_, i) => ({ timeMs: now - 60_000 + i, value: i + 1, attrs: { 'user.id': `user-${i}`, model: 'claude-sonnet-4-5', type: 'input' } }));
  await post(otlpPort!, '/v1/metrics', metricsBody({ 'service.name': 'claude-code' }, 'claude_code.token.usage', points));
}, 600_000);

afterAll(async () => {
  await collector?.stop();
  for (const c of clients) await c.close();
  await Promise.all([shardA, shardB, single].map((s) => s?.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('column parity with the exporter at our pin', () => {
  it('our local and Distributed tables have the columns of the tables the exporter creates, in order', async () => {
    const columns = (c: ClickHouseClient, table: string) =>
      rows(c, 'SELECT name, type, default_kind, default_expression, compression_codec, comment FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY position', {
        db: DB,
        t: table,
      });
    const exporter = client(single, 'writer');
    const ours = client(shardA, 'writer');
    for (const table of EXPORTER_TABLES) {
      const theirs = await columns(exporter, table);
      expect(theirs.length, `${table} on the exporter's schema`).toBeGreaterThan(10);
      expect(await columns(ours, localName(table)), `${localName(table)}`).toEqual(theirs);
      expect(await columns(ours, table), `${table} (Distributed)`).toEqual(theirs);
    }
  });
});

describe('two shards with the Distributed schema', () => {
  it('stores every record once, split over both shards by the hashed user id', async () => {
    const a = client(shardA, 'writer');
    const b = client(shardB, 'writer');
    const s = client(single, 'writer');
    expect(await waitForCount(s, 'otel_logs', expectedLogs)).toBe(expectedLogs);
    expect(await waitForCount(a, 'otel_logs', expectedLogs)).toBe(expectedLogs);
    const onA = await count(a, 'otel_logs_local');
    const onB = await count(b, 'otel_logs_local');
    console.log(`[two shards] ${expectedLogs} log records: shard 1 holds ${onA}, shard 2 holds ${onB}`);
    expect(onA + onB).toBe(expectedLogs);
    expect(onA).toBeGreaterThan(0);
    expect(onB).toBeGreaterThan(0);
    // One user, one shard: no user's records are on both.
    const usersOf = async (c: ClickHouseClient) => new Set((await rows<{ u: string }>(c, "SELECT DISTINCT LogAttributes['user.id'] AS u FROM otel_logs_local WHERE u != ''")).map((r) => r.u));
    const [ua, ub] = [await usersOf(a), await usersOf(b)];
    expect([...ua].filter((u) => ub.has(u))).toEqual([]);
    expect(ua.size + ub.size).toBe(42);
    // Metrics took the same path.
    expect(await waitForCount(a, 'otel_metrics_sum', 20)).toBe(20);
    const sumA = await count(a, 'otel_metrics_sum_local');
    const sumB = await count(b, 'otel_metrics_sum_local');
    console.log(`[two shards] 20 sum points: shard 1 holds ${sumA}, shard 2 holds ${sumB}`);
    expect(sumA > 0 && sumB > 0 && sumA + sumB === 20).toBe(true);
  });

  it("answers every query template exactly as the exporter's own schema on one server does", async () => {
    const cluster = client(shardA, 'reader');
    const one = client(single, 'reader');
    const DAY = 86_400_000;
    const ts = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const values: Record<string, string | number> = {
      since: ts(now - 7 * DAY),
      until: ts(now + 60_000),
      user: '',
      user_hash: '',
      model: '',
      user_attribute: 'team',
      service: '',
      verb: '',
      limit: 1000,
      min_group: 1,
    };
    const names = templateNames('clickhouse');
    expect(names.length).toBeGreaterThan(5);
    let nonEmpty = 0;
    for (const name of names) {
      const t = loadTemplate('clickhouse', name);
      for (const raw of t.params.has('raw') ? [0, 1] : [0]) {
        const params = Object.fromEntries([...t.params.keys()].map((p) => [p, p === 'raw' ? raw : values[p]]));
        const missing = [...t.params.keys()].filter((p) => params[p] === undefined);
        expect(missing, `${name}: parameters this test does not fill`).toEqual([]);
        const [got, want] = [await rows(cluster, t.text, params), await rows(one, t.text, params)];
        expect(got, `${name} raw=${raw}`).toEqual(want);
        if (want.length > 0) nonEmpty++;
      }
    }
    // An empty answer on both sides would prove nothing.
    expect(nonEmpty).toBeGreaterThanOrEqual(names.length);
  });

  it('drops a retried block: the same block inserted twice through the Distributed table is stored once', async () => {
    const a = client(shardA, 'writer');
    const b = client(shardB, 'writer');
    const insert = () =>
      a.insert({
        table: 'otel_logs',
        format: 'JSONEachRow',
        values: Array.from({ length: 200 }, (_, i) => ({
          Timestamp: ts9(now - 5000 + i),
          ServiceName: 'retry-test',
          Body: `retried #${i}`,
          LogAttributes: { 'user.id': `retry-user-${i}` },
        })),
        clickhouse_settings: { distributed_foreground_insert: 1, insert_deduplicate: 1 },
      });
    await insert();
    await insert();
    const where = "ServiceName = 'retry-test'";
    const total = Number((await rows<{ n: number }>(a, `SELECT count() AS n FROM otel_logs WHERE ${where}`))[0]?.n);
    const onA = Number((await rows<{ n: number }>(a, `SELECT count() AS n FROM otel_logs_local WHERE ${where}`))[0]?.n);
    const onB = Number((await rows<{ n: number }>(b, `SELECT count() AS n FROM otel_logs_local WHERE ${where}`))[0]?.n);
    console.log(`[two shards] a 200-row block inserted twice: ${total} rows (shard 1 ${onA} + shard 2 ${onB})`);
    expect(total).toBe(200);
    expect(onA + onB).toBe(200);
    expect(onA > 0 && onB > 0).toBe(true);
  });

  it('schema diff finds nothing to change on either shard after apply, and apply again changes nothing', async () => {
    const plan = await planSchema(clusterStack, PASSWORD);
    expect(plan.nodes.map((n) => n.node)).toEqual([shardA.ready.url, shardB.ready.url]);
    for (const n of plan.nodes) {
      expect(n.conflicts).toEqual([]);
      expect(n.changes).toEqual([]);
    }
    const again = await applySchema(clusterStack, PASSWORD);
    expect(again.nodes.flatMap((n) => n.changes)).toEqual([]);
  });
});

describe('schema commands and the replicated variant', () => {
  it('schema diff --json and schema apply from the CLI: nothing left to change, exit 0', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: dir, TELEMETRY_STACK_CLICKHOUSE_PASSWORD: PASSWORD };
    const diff = await runCli(['schema', 'diff', '--json', '--file', clusterStack.stackFile], { env });
    expect(diff.stderr).not.toMatch(STACK_TRACE);
    expect(diff.exitCode, diff.stderr).toBe(0);
    const plan = JSON.parse(diff.stdout) as { owner: string; cluster: string; nodes: { node: string; changes: unknown[]; upToDate: string[] }[] };
    expect(plan).toMatchObject({ owner: 'telemetry-stack', cluster: CLUSTER });
    expect(plan.nodes.map((n) => [n.node, n.changes.length])).toEqual([
      [shardA.ready.url, 0],
      [shardB.ready.url, 0],
    ]);
    expect(plan.nodes[0]!.upToDate).toContain('telemetry.otel_logs_local');
    const text = await runCli(['schema', 'apply', '--file', clusterStack.stackFile], { env });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain('nothing to change');
  });

  it('a retention change is one TTL change per local table on each shard, and apply makes it', async () => {
    const shorter = { ...clusterStack, retention: '30d' };
    const plan = await planSchema(shorter, PASSWORD);
    for (const n of plan.nodes) {
      expect(n.changes.map((c) => c.action).every((a) => a === 'modify-ttl')).toBe(true);
      expect(n.changes.map((c) => c.object)).toContain('telemetry.otel_logs_local');
      expect(n.changes.map((c) => c.object)).toContain('telemetry.cli_usage_daily_local');
    }
    await applySchema(shorter, PASSWORD);
    expect((await planSchema(shorter, PASSWORD)).nodes.flatMap((n) => n.changes)).toEqual([]);
    await applySchema(clusterStack, PASSWORD);
  });

  it('every statement of the replicated ON CLUSTER variant parses in the real engine (Keeper cannot run here)', async () => {
    const replicated = { ...clusterStack, clickhouse: { ...clusterStack.clickhouse, cluster: { name: CLUSTER, replicated: true } } };
    const c = client(shardA, 'writer');
    const all = schemaStatements(desiredSchema(replicated));
    expect(all.length).toBeGreaterThan(20);
    for (const statement of all) {
      const [row] = await rows<{ f: string }>(c, 'SELECT formatQuery({s:String}) AS f', { s: statement });
      expect(row?.f, statement.slice(0, 80)).toContain('ON CLUSTER');
    }
  });
});

/** DateTime64(9) text for JSONEachRow. */
function ts9(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}000000`;
}
