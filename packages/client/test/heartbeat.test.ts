import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ATTR_EVENT_NAME,
  ATTR_HEARTBEAT_DROPPED,
  ATTR_USAGE_CATEGORY,
  ATTR_USAGE_COUNT,
  ATTR_USAGE_NAME,
  EVENT_HEARTBEAT,
  EVENT_USAGE,
  RESOURCE_INSTANCE_ID,
  RESOURCE_SERVICE_NAME,
  RESOURCE_SERVICE_VERSION,
  SCOPE_NAME,
} from '../src/index.js';
import { createHeartbeat, type Heartbeat, type HeartbeatOptions } from '../src/heartbeat-entry.js';
import { isolatedHome } from './helpers/env.js';
import { decodeLogs, flattenRecords } from './helpers/otlp-decode.js';
import { startSink, type ReceivedRequest, type Sink } from './helpers/servers.js';

let home: ReturnType<typeof isolatedHome>;
let sink: Sink;
const started: Heartbeat[] = [];

beforeEach(async () => {
  home = isolatedHome();
  sink = await startSink();
});
afterEach(async () => {
  // Stop timers and exit hooks before the sink goes away.
  for (const hb of started.splice(0)) await hb.shutdown();
  await sink.close();
  home.cleanup();
});

function heartbeat(options: Partial<HeartbeatOptions> = {}): Heartbeat {
  const hb = createHeartbeat({
    service: 'helios',
    version: '3.1.0',
    endpoint: sink.url,
    env: home.env,
    intervalMs: 60 * 60 * 1000,
    flushOnExit: false,
    ...options,
  });
  started.push(hb);
  return hb;
}

function decode(request: ReceivedRequest) {
  const records = flattenRecords(decodeLogs(request.contentType, request.body));
  const beat = records.filter((r) => r.record.eventName === EVENT_HEARTBEAT);
  const usage = records.filter((r) => r.record.eventName === EVENT_USAGE);
  const counts: Record<string, number> = {};
  for (const { record } of usage) {
    counts[`${String(record.attributes[ATTR_USAGE_CATEGORY])}:${String(record.attributes[ATTR_USAGE_NAME])}`] = Number(
      record.attributes[ATTR_USAGE_COUNT],
    );
  }
  return { records, beat, usage, counts };
}

describe('heartbeat counters', () => {
  it('are reset only after a 2xx, keeping what was counted meanwhile', async () => {
    sink.setStatuses([500, 200]);
    const hb = heartbeat();
    hb.count('api', 'users.list', 3);
    hb.count('ui', 'bulk_edit');
    hb.count('command', 'sync users');

    expect(await hb.flush()).toBe('failed');
    expect(hb.pending().total).toBe(5);

    hb.count('api', 'users.list', 2);
    const flushing = hb.flush();
    // Counted after the snapshot was taken: must survive the successful send.
    hb.count('api', 'groups.list');
    expect(await flushing).toBe('sent');
    expect(hb.pending().entries).toEqual([{ category: 'api', name: 'groups.list', count: 1 }]);

    expect(sink.requests).toHaveLength(2);
    // The refused flush and the accepted one carry the same counts, plus what came in between.
    expect(decode(sink.requests[0]!).counts).toEqual({ 'api:users.list': 3, 'ui:bulk_edit': 1, 'command:sync users': 1 });
    expect(decode(sink.requests[1]!).counts).toEqual({ 'api:users.list': 5, 'ui:bulk_edit': 1, 'command:sync users': 1 });

    expect(await hb.flush()).toBe('sent');
    expect(decode(sink.requests[2]!).counts).toEqual({ 'api:groups.list': 1 });
    expect(hb.pending()).toEqual({ entries: [], total: 0, dropped: 0 });
  });

  it('are bounded while sends fail, count what they drop, and report the drops once accepted', async () => {
    sink.setStatuses([503]);
    const hb = heartbeat({ maxKeys: 3, maxTotal: 10 });
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) hb.count('api', name);
    expect(hb.pending()).toMatchObject({ total: 3, dropped: 2 });
    hb.count('api', 'a1', 20);
    expect(hb.pending()).toMatchObject({ total: 10, dropped: 15 });

    for (let i = 0; i < 5; i += 1) {
      expect(await hb.flush()).toBe('failed');
      hb.count('api', 'a2', 100);
      hb.count('ui', `new_key_${i}`);
    }
    const held = hb.pending();
    expect(held.entries).toHaveLength(3);
    expect(held.total).toBe(10);
    expect(held.dropped).toBe(15 + 5 * 101);

    sink.setStatuses([200]);
    expect(await hb.flush()).toBe('sent');
    const last = decode(sink.requests.at(-1)!);
    expect(last.beat[0]!.record.attributes[ATTR_HEARTBEAT_DROPPED]).toBe(BigInt(15 + 5 * 101));
    expect(Object.values(last.counts).reduce((a, b) => a + b, 0)).toBe(10);
    expect(hb.pending()).toEqual({ entries: [], total: 0, dropped: 0 });
  });

  it('refuse names that could carry values, counting them as drops', async () => {
    const hb = heartbeat();
    hb.count('api', '/users/123');
    hb.count('api', 'users.get alice@example.com');
    hb.count('ui', '42');
    hb.count('bogus' as never, 'x');
    hb.count('command', 'deploy --token=abc');
    hb.count('api', 'users.list', -1);
    hb.count('api', 'users.list', 1.5);
    expect(hb.pending()).toEqual({ entries: [{ category: 'command', name: 'deploy', count: 1 }], total: 1, dropped: 4 });
    expect(await hb.flush()).toBe('sent');
    expect(sink.requests[0]!.body.toString('latin1')).not.toMatch(/alice|users\/123|token|abc/);
  });
});

describe('heartbeat payload', () => {
  it.each(['http/protobuf', 'http/json'] as const)('is OTLP logs: one cli.heartbeat plus one cli.usage per key (%s)', async (protocol) => {
    const hb = heartbeat({ protocol, instanceId: 'inst-1' });
    hb.count('api', 'users.list', 42);
    hb.setSize('users', 42);
    hb.setSize('modules', 3);
    expect(await hb.flush()).toBe('sent');
    const { records, beat, usage } = decode(sink.requests[0]!);
    expect(records).toHaveLength(2);
    for (const { resource, scope } of records) {
      expect(resource).toEqual({
        [RESOURCE_SERVICE_NAME]: 'helios',
        [RESOURCE_SERVICE_VERSION]: '3.1.0',
        [RESOURCE_INSTANCE_ID]: 'inst-1',
      });
      expect(scope.name).toBe(SCOPE_NAME);
    }
    expect(beat[0]!.record.attributes).toEqual({
      [ATTR_EVENT_NAME]: EVENT_HEARTBEAT,
      [ATTR_HEARTBEAT_DROPPED]: 0n,
      'heartbeat.size.users': '11-50',
      'heartbeat.size.modules': '1-10',
    });
    expect(usage[0]!.record.attributes).toEqual({
      [ATTR_EVENT_NAME]: EVENT_USAGE,
      [ATTR_USAGE_CATEGORY]: 'api',
      [ATTR_USAGE_NAME]: 'users.list',
      [ATTR_USAGE_COUNT]: 42n,
    });
  });

  it('without an instanceId, uses one random id persisted across heartbeats', async () => {
    await heartbeat().flush();
    await heartbeat().flush();
    const ids = sink.requests.map((r) => decode(r).records[0]!.resource[RESOURCE_INSTANCE_ID]);
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[1]).toBe(ids[0]);
  });
});

describe('heartbeat lifecycle', () => {
  it('flushes on its interval', async () => {
    const hb = heartbeat({ intervalMs: 100 });
    hb.count('ui', 'open');
    const deadline = Date.now() + 5000;
    while (sink.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(sink.requests.length).toBeGreaterThanOrEqual(1);
    expect(decode(sink.requests[0]!).counts).toEqual({ 'ui:open': 1 });
  });

  it('shutdown sends what is held, then ignores counts and removes its exit hook', async () => {
    const listeners = process.listenerCount('beforeExit');
    const hb = heartbeat({ flushOnExit: true });
    expect(process.listenerCount('beforeExit')).toBe(listeners + 1);
    hb.count('api', 'users.list');
    expect(await hb.shutdown()).toBe('sent');
    expect(process.listenerCount('beforeExit')).toBe(listeners);
    hb.count('api', 'users.list');
    expect(hb.pending().total).toBe(0);
    expect(decode(sink.requests[0]!).counts).toEqual({ 'api:users.list': 1 });
  });

  it.each([{ DO_NOT_TRACK: '1' }, { HELIOS_TELEMETRY: '0' }])('disabled by %j: no timer, no hook, no counting, no socket', async (optOut) => {
    const listeners = process.listenerCount('beforeExit');
    const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const hb = heartbeat({ env: { ...home.env, ...optOut }, intervalMs: 100, flushOnExit: true });
    expect(hb.enabled).toBe(false);
    expect(process.listenerCount('beforeExit')).toBe(listeners);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(timers);
    hb.count('api', 'users.list');
    expect(hb.pending().total).toBe(0);
    expect(await hb.flush()).toBe('disabled');
    await new Promise((r) => setTimeout(r, 250));
    expect(sink.connections()).toBe(0);
  });

  it('opt-in mode: off by default', () => {
    expect(heartbeat({ mode: 'opt-in' }).enabled).toBe(false);
    expect(heartbeat({ mode: 'opt-in', env: { ...home.env, HELIOS_TELEMETRY: '1' } }).enabled).toBe(true);
  });
});
