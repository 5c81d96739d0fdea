import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portHolder } from '../../cli/net/port-holder.js';
import { startFilePipeline, type FilePipeline } from '../support/corpus-pipeline.js';

/** An OTLP/JSON kvlist nested `depth` levels, built without recursion; `leaf` sits at the bottom. */
function nestedKvlist(depth: number, shallowSecret: string, leaf: string): string {
  let value = JSON.stringify({ stringValue: leaf });
  for (let i = depth; i > 0; i--) {
    const extra = i === 2 ? `,{"key":"note","value":{"stringValue":"token ${shallowSecret}"}}` : '';
    value = `{"kvlistValue":{"values":[{"key":"k${i}","value":${value}}${extra}]}}`;
  }
  return value;
}

/**
 * Deeply nested attributes and bodies: flattening is bounded, whatever lies deeper is deleted (never
 * kept unscanned), and the Collector's memory stays bounded.
 */
describe('deep nesting through the sanitize chain', () => {
  let pipeline: FilePipeline;
  beforeAll(async () => {
    pipeline = await startFilePipeline({ stackYaml: 'profiles: [generic]' });
  });
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('a 20,000-level body and attribute: bounded memory, deep remainder dropped, shallow secret masked', async () => {
    const secret = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    const deep = nestedKvlist(20_000, secret, 'bottom-of-the-well');
    const body = `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"deep-test"}}]},"scopeLogs":[{"scope":{"name":"x"},"logRecords":[{"body":${deep},"attributes":[{"key":"event.name","value":${deep}}]}]}]}]}`;
    const res = await fetch(`http://127.0.0.1:${pipeline.ports.http}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(60_000) });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    const out = await pipeline.waitFor(1, 0, 60_000);
    const pid = portHolder(pipeline.ports.health)?.pid;
    const peakMiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
    console.log(`deep nesting: request ${(body.length / 1024).toFixed(0)} KiB, Collector peak RSS ${peakMiB.toFixed(0)} MiB`);
    expect(peakMiB).toBeLessThan(400);
    expect(out.text).not.toContain('bottom-of-the-well');
    expect(out.text).not.toContain(secret);
    const keys = Object.keys(out.logs[0]!.body as Record<string, unknown>);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k.split('.').length).toBeLessThan(8);
  });
});
