import { describe, expect, it } from 'vitest';
import { ATTR_EXIT_CODE, ATTR_VERB, emitOnce } from '../src/index.js';
import { homeAndSinkPerTest, type isolatedHome } from './helpers/env.js';
import { decodeProtobufLogs, flattenRecords } from './helpers/otlp-decode.js';
import { refusedUrl, startBlackHole, type Sink } from './helpers/servers.js';

let home: ReturnType<typeof isolatedHome>;
let sink: Sink;
homeAndSinkPerTest((h, s) => {
  home = h;
  sink = s;
});

describe('emitOnce', () => {
  it('sends one event and returns sent', async () => {
    const result = await emitOnce({ service: 'my-script', version: '2.0.0', endpoint: sink.url, verb: 'backup run', exit: 12, env: home.env });
    expect(result).toBe('sent');
    const [{ record }] = flattenRecords(decodeProtobufLogs(sink.requests[0]!.body)) as [ReturnType<typeof flattenRecords>[number]];
    expect(record.attributes[ATTR_VERB]).toBe('backup run');
    expect(record.attributes[ATTR_EXIT_CODE]).toBe(12n);
  });

  it('honours opt-outs', async () => {
    const env = { ...home.env, MY_SCRIPT_TELEMETRY: '0' };
    expect(await emitOnce({ service: 'my-script', version: '1', endpoint: sink.url, verb: 'x', exit: 0, env })).toBe('disabled');
    expect(sink.connections()).toBe(0);
  });

  it('reports failed for a non-2xx answer and for a refused connection', async () => {
    sink.setStatuses([503]);
    expect(await emitOnce({ service: 'my-script', version: '1', endpoint: sink.url, verb: 'x', exit: 0, env: home.env })).toBe('failed');
    expect(await emitOnce({ service: 'my-script', version: '1', endpoint: await refusedUrl(), verb: 'x', exit: 0, env: home.env })).toBe('failed');
  });

  it('reports timeout within the given timeout for an endpoint that never answers', async () => {
    const hole = await startBlackHole();
    try {
      const started = performance.now();
      const result = await emitOnce({ service: 'my-script', version: '1', endpoint: hole.url, verb: 'x', exit: 0, timeoutMs: 300, env: home.env });
      const elapsed = performance.now() - started;
      expect(result).toBe('timeout');
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(1000);
    } finally {
      await hole.close();
    }
  });

  it('reports invalid for a verb with nothing sendable', async () => {
    expect(await emitOnce({ service: 'my-script', version: '1', endpoint: sink.url, verb: '--all', exit: 0, env: home.env })).toBe('invalid');
    expect(sink.connections()).toBe(0);
  });

  it('never rejects, even given nonsense', async () => {
    const nonsense = { service: 42, version: null, endpoint: {}, verb: [1, 2], exit: 'x', env: home.env } as never;
    await expect(emitOnce(nonsense)).resolves.toBe('disabled');
  });
});
