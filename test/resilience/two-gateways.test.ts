import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../cli/errors.js';
import { renderClickHouseDdl } from '../../cli/render/clickhouse-ddl.js';
import { renderCollectorConfig } from '../../cli/render/collector-config.js';
import { loadClickHouseDdlSql, loadSanitizeInputs } from '../../cli/render/inputs.js';
import { toYaml } from '../../cli/render/yaml.js';
import { readCollectorMetrics } from '../../cli/runtime/collector-metrics.js';
import { homeOf } from '../../cli/home/layout.js';
import { applyRollups } from '../../cli/schema/apply-at-up.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack, type Stack } from '../../cli/stack/resolve.js';
import { startCollector, testCollectorBinary, type RunningCollector } from '../support/collector.js';
import { freePorts } from '../support/ports.js';
import { startTestStore, type TestStore } from '../store/helpers.js';
import { bodyOf, decodeSeq, queryClickHouse, sleep, tag as makeTag, waitUntil } from './support.js';

/**
 * The gateway tier on this machine with real parts: two Collectors rendered from one stack file
 * (topology.gateways: 2), each with its own persistent queue and ports, sharing one HMAC key, one
 * token and one ClickHouse password, behind a round-robin TCP balancer, writing to one ClickHouse
 * (the embedded engine, which answers ClickHouse's HTTP interface, standing in for the user's
 * server). One gateway is killed with SIGKILL mid-stream and started again on its queue.
 */

const TOTAL = 20_000;
const BATCH = 200;
/** Spread so the kill and the restart both land while records still flow. */
const SPREAD_MS = 16_000;
const KILL_AFTER_ACKED = 6_000;
const DOWN_MS = 3_000;
const TOKEN_ENV = 'TELEMETRY_STACK_GATEWAY_TOKEN';
const TOKEN = 'gateway-token-7f3c1a9e5b2d4c6e8a0b1d3f5e7c9a2b';
const PASSWORD = 'two-gateways-password-0123456789';
const HMAC_KEY = 'two-gateways-hmac-key-0123456789abcdef0123456789';
/** Letters only: nothing in it looks like a secret, a number run or PII to the sanitize chain. */
const USER_ID = 'gatewayuser';

interface Gateway {
  name: string;
  stack: Stack;
  config: string;
  collector: RunningCollector;
  /** accepted counter of each life of this gateway (a restart starts its counters at zero). */
  acceptedPerLife: number[];
}

interface Proxy {
  port: number;
  /** Connections handed to each upstream port. */
  connections: Map<number, number>;
  close(): Promise<void>;
}

/**
 * A plain L4 round-robin balancer: each client connection goes to the next upstream. A connect
 * that fails goes to the next one instead (what HAProxy's redispatch or any health-checked LB does):
 * no byte reached the dead gateway, so nothing can be doubled by it.
 */
function startProxy(upstreams: number[]): Promise<Proxy> {
  let next = 0;
  const sockets = new Set<Socket>();
  const connections = new Map<number, number>(upstreams.map((p) => [p, 0]));
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server: Server = createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    const pending: Buffer[] = [];
    const hold = (d: Buffer) => pending.push(d);
    client.on('data', hold);
    const attempt = (tries: number) => {
      const port = upstreams[next++ % upstreams.length]!;
      const up = connect(port, '127.0.0.1');
      track(up);
      let connected = false;
      up.once('connect', () => {
        connected = true;
        connections.set(port, connections.get(port)! + 1);
        client.off('data', hold);
        for (const d of pending) up.write(d);
        client.pipe(up);
        up.pipe(client);
        client.on('close', () => up.destroy());
      });
      up.on('error', () => {
        if (!connected && tries + 1 < upstreams.length && !client.destroyed) attempt(tries + 1);
        else client.destroy();
      });
    };
    attempt(0);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('proxy has no port');
      resolve({
        port: address.port,
        connections,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/**
 * Claude Code's record shape: its profile keeps user.id (as the keyed hash), the one attribute
 * that shows whether gateways agree on a person.
 */
function payload(runTag: string, from: number, n: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const logRecords = Array.from({ length: n }, (_, i) => ({
    timeUnixNano: String(now + BigInt(i)),
    body: { stringValue: bodyOf(runTag, from + i) },
    attributes: [
      { key: 'event.name', value: { stringValue: 'tool_result' } },
      { key: 'tool_name', value: { stringValue: `tool${(from + i) % 7}` } },
      { key: 'success', value: { stringValue: 'true' } },
      { key: 'user.id', value: { stringValue: USER_ID } },
    ],
  }));
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
        scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords }],
      },
    ],
  });
}

/**
 * One POST on a fresh connection (agent: false), so the per-connection balancer spreads batches;
 * resolves with the status, or `error:<code>` when the connection failed or was reset.
 */
function post(port: number, body: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/logs',
        method: 'POST',
        agent: false,
        timeout: 20_000,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
        res.on('error', (e: NodeJS.ErrnoException) => resolve(`error:${e.code ?? e.name}`));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`error:${e.code ?? e.name}`));
    req.end(body);
  });
}

interface Tally {
  sent: number;
  acknowledged: number;
  acked: Set<number>;
  statuses: Map<string, number>;
  /** Batches offered again after a reset or timeout: the gateway may have queued them before it died. */
  resentAfterReset: number;
}

/**
 * Sequenced batches through the balancer, retried as an OTLP exporter retries: on 429, 502, 503,
 * 504 and on a connection that failed or was reset, with a short backoff, a bounded number of times.
 */
async function sendThroughProxy(port: number, runTag: string, tally: Tally): Promise<void> {
  const batches = Math.ceil(TOTAL / BATCH);
  const gap = SPREAD_MS / batches;
  const started = Date.now();
  for (let b = 0; b < batches; b++) {
    const from = b * BATCH;
    const n = Math.min(BATCH, TOTAL - from);
    const body = payload(runTag, from, n);
    tally.sent += n;
    for (let attempt = 0; attempt < 20; attempt++) {
      const status = await post(port, body);
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      if (status === '200') {
        tally.acknowledged += n;
        for (let i = 0; i < n; i++) tally.acked.add(from + i);
        break;
      }
      const retryable = ['429', '502', '503', '504'].includes(status) || status.startsWith('error:');
      if (!retryable) break;
      if (status.startsWith('error:')) tally.resentAfterReset++;
      await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
    const due = started + gap * (b + 1);
    if (due > Date.now()) await sleep(due - Date.now());
  }
}

describe('two gateways behind a round-robin balancer, one ClickHouse', () => {
  let dir: string;
  let store: TestStore;
  let base: Stack;
  let binary: string;
  const gateways: Gateway[] = [];
  let proxy: Proxy;
  const env = { TELEMETRY_STACK_CLICKHOUSE_PASSWORD: PASSWORD, TELEMETRY_STACK_HMAC_KEY: HMAC_KEY, [TOKEN_ENV]: TOKEN };
  const query = (sql: string) => queryClickHouse(store.server.ready.port, PASSWORD, sql);

  const metrics = async (g: Gateway): Promise<{ accepted: number; queueSize: number }> => {
    try {
      return await readCollectorMetrics(g.stack.collector.metricsPort);
    } catch {
      return { accepted: -1, queueSize: -1 };
    }
  };
  const accepted = async (g: Gateway): Promise<number> => (await metrics(g)).accepted;

  beforeAll(async () => {
    binary = await testCollectorBinary();
    dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-gateways-'));
    // The ClickHouse the gateways share: the chdb-server launcher, its writer's password chosen here.
    mkdirSync(join(dir, 'store', 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'store', 'secrets', 'clickhouse-password'), PASSWORD + '\n', { mode: 0o600 });
    store = await startTestStore(join(dir, 'store'));

    const ports = await freePorts(8);
    const file = join(dir, 'telemetry-stack.yaml');
    const text = `version: 1.0
name: gw
dataDir: ${join(dir, 'data')}
backend: clickhouse
runtime: process
profiles: [claude-code, cli-usage]
receivers:
  grpc: {port: ${ports[0]}}
  http: {port: ${ports[1]}}
  auth: {bearerTokenEnv: ${TOKEN_ENV}}
collector: {healthPort: ${ports[2]}, metricsPort: ${ports[3]}}
clickhouse: {url: '${store.server.ready.url}', username: ${store.server.ready.writerUser}}
topology: {gateways: 2}
`;
    writeFileSync(file, text);
    const parsed = parseStackFile(text, file, env);
    if (!parsed.stack) throw new Error(`stack file does not load:\n${parsed.problems.map(formatProblem).join('\n')}`);
    base = resolveStack(parsed.stack, file, env);
    expect(base.topology?.gateways).toBe(2);

    // Gateway i: the same rendered config but its own queue directory and loopback ports, as a
    // StatefulSet replica has its own volume and pod network.
    const inputs = loadSanitizeInputs();
    for (let i = 0; i < base.topology!.gateways; i++) {
      const own = i === 0 ? ports.slice(0, 4) : ports.slice(4, 8);
      const stack: Stack = {
        ...base,
        dataDir: join(dir, `gateway-${i}`),
        receivers: { ...base.receivers, grpc: { ...base.receivers.grpc, port: own[0]! }, http: { ...base.receivers.http, port: own[1]! } },
        collector: { ...base.collector, healthPort: own[2]!, metricsPort: own[3]! },
      };
      mkdirSync(stack.dataDir, { recursive: true });
      const config = toYaml(renderCollectorConfig(stack, inputs, 'process'), '');
      const collector = await startCollector(binary, config, stack.collector.healthPort, env);
      gateways.push({ name: `gateway-${i}`, stack, config, collector, acceptedPerLife: [0] });
      if (i === 0) {
        // As `up` does once the exporter has created otel_logs: the rollups and the insert
        // deduplication window, rendered from this stack file (clickhouse/rollups.sql).
        mkdirSync(join(homeOf(base.dataDir).configDir, 'clickhouse'), { recursive: true });
        writeFileSync(join(homeOf(base.dataDir).configDir, 'clickhouse', 'rollups.sql'), renderClickHouseDdl(base, loadClickHouseDdlSql()));
        await applyRollups(base, PASSWORD, () => {});
      }
    }
    proxy = await startProxy(gateways.map((g) => g.stack.receivers.http.port));
  }, 600_000);

  afterAll(async () => {
    await proxy?.close();
    for (const g of gateways) await g.collector.stop();
    await store?.server.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a gateway killed mid-stream and started again on its queue: every acknowledged record stored once, one user one hash', async () => {
    const showCreate = await query('SHOW CREATE TABLE telemetry.otel_logs FORMAT TabSeparatedRaw');
    expect(showCreate).toContain('non_replicated_deduplication_window = 10000');

    const runTag = makeTag('gw');
    const tally: Tally = { sent: 0, acknowledged: 0, acked: new Set(), statuses: new Map(), resentAfterReset: 0 };
    const sending = sendThroughProxy(proxy.port, runTag, tally);

    // Counters live in the process: read them until the kill, so the first life's count survives it.
    const victim = gateways[1]!;
    // Records the victim acknowledged and had not yet exported: what only its queue directory holds.
    let queuedAtKill = -1;
    const { value: reached } = await waitUntil(
      async () => {
        const m = await metrics(victim);
        if (m.accepted >= 0) {
          victim.acceptedPerLife[0] = m.accepted;
          queuedAtKill = m.queueSize;
        }
        return tally.acknowledged;
      },
      (acked) => acked >= KILL_AFTER_ACKED,
      60_000,
      100,
    );
    expect(reached).toBeGreaterThanOrEqual(KILL_AFTER_ACKED);
    const killedAt = tally.acknowledged;
    await victim.collector.kill('SIGKILL');
    await sleep(DOWN_MS);
    // Same config, so the same queue directory: what it acknowledged before the kill is still there.
    victim.collector = await startCollector(binary, victim.config, victim.stack.collector.healthPort, env);
    victim.acceptedPerLife.push(0);
    const restartedAt = tally.acknowledged;

    await sending;
    for (const g of gateways) g.acceptedPerLife[g.acceptedPerLife.length - 1] = await accepted(g);

    const countStored = async () => Number((await query(`SELECT uniqExact(Body) FROM telemetry.otel_logs WHERE startsWith(Body, '${runTag} ev ') FORMAT TabSeparated`)).trim());
    await waitUntil(countStored, (n) => n >= tally.acknowledged, 120_000, 1000);
    // A retried insert lands within the exporter's backoff; give it time to show as a duplicate.
    await sleep(3000);

    const rows = (await query(`SELECT Body FROM telemetry.otel_logs WHERE startsWith(Body, '${runTag} ev ') FORMAT TabSeparated`)).split('\n').filter(Boolean);
    const seqs = rows.map((line) => decodeSeq(line.slice(runTag.length + 4)));
    const distinct = new Set(seqs);
    let lost = 0;
    for (const s of tally.acked) if (!distinct.has(s)) lost++;
    const duplicated = seqs.length - distinct.size;
    const hashes = (await query(`SELECT LogAttributes['user.id'] AS u, count() FROM telemetry.otel_logs WHERE startsWith(Body, '${runTag} ev ') GROUP BY u FORMAT TabSeparated`))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'));
    const expectedHash = createHmac('sha256', Buffer.from(HMAC_KEY, 'utf8')).update(USER_ID, 'utf8').digest('hex');

    const perGateway = gateways.map((g) => `${g.name} ${g.acceptedPerLife.join(' + ')}`).join(', ');
    console.log(
      `two gateways: sent ${tally.sent}, acknowledged ${tally.acknowledged}, stored ${distinct.size} (${seqs.length} rows), duplicated ${duplicated}, lost ${lost}; ` +
        `accepted per gateway (per life): ${perGateway}; connections ${[...proxy.connections.values()].join(' / ')}; ` +
        `killed ${victim.name} at ${killedAt} acknowledged (its queue last read ${queuedAtKill}), back at ${restartedAt}; resent after reset ${tally.resentAfterReset}; ` +
        `statuses ${JSON.stringify(Object.fromEntries(tally.statuses))}; user.id stored as ${hashes.map(([u, n]) => `${u} (${n})`).join(', ')}`,
    );

    expect(tally.acknowledged).toBe(tally.sent);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(distinct.size).toBe(tally.sent);
    for (const g of gateways) expect(g.acceptedPerLife[0], g.name).toBeGreaterThan(0);
    // The restarted gateway took traffic again, not only the survivor.
    expect(victim.acceptedPerLife[1]).toBeGreaterThan(0);
    expect(hashes).toEqual([[expectedHash, String(tally.sent)]]);
  }, 300_000);
});
