import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRunRecord, stackUpForSuite, type RunningStack } from './support.js';

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One Claude Code prompt event whose prompt is `text`, gzip-compressed OTLP/HTTP JSON. */
function promptRequest(text: string): Buffer {
  const body = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events' },
            logRecords: [
              {
                timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                attributes: [
                  { key: 'event.name', value: { stringValue: 'user_prompt' } },
                  { key: 'prompt', value: { stringValue: text } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  return gzipSync(JSON.stringify(body), { level: 9 });
}

async function post(stack: RunningStack, body: Buffer): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${stack.ports.http}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Work bounded by what can be stored, not by bytes on the wire: a few kilobytes of gzip that
 * decompress to megabytes of prompt text (prompts masked, the most work per byte) cost the
 * Collector a fraction of a second, and a request over the decompressed limit is refused.
 */
describe('request limits: gzip bombs', () => {
  let stack: RunningStack;
  stackUpForSuite((s) => (stack = s), 'privacy: {promptText: mask}');

  it('4 MB of prompt text in a few KB of gzip, four at once: the Collector spends well under a second each', { timeout: 120_000 }, async () => {
    const collector = readRunRecord(stack.dataDir, 'collector').pid;
    const text = 'please deploy to bob@example.com from 10.1.2.3 with ghp_EXAMPLEabcdefghijklmnopqrstuvwxyz012 '.repeat(45_000);
    const request = promptRequest(text);
    const before = cpuSeconds(collector);
    const statuses = await Promise.all([0, 1, 2, 3].map(() => post(stack, request)));
    const spent = cpuSeconds(collector) - before;
    console.log(
      `[request limits] 4 requests of ${(request.length / 1024).toFixed(1)} KB gzip = ${(text.length / 1e6).toFixed(1)} MB of prompt each: HTTP ${statuses.join(',')}, Collector CPU ${spent.toFixed(2)} s in all`,
    );
    expect(statuses).toEqual([200, 200, 200, 200]);
    // Before the scan was bounded, one such request cost 9 s of CPU in the stock chain.
    expect(spent).toBeLessThan(4);
  });

  it('over 8 MiB decompressed: refused without being read to the end', { timeout: 120_000 }, async () => {
    const request = promptRequest('x'.repeat(12 * 1024 * 1024));
    const status = await post(stack, request);
    console.log(`[request limits] ${(request.length / 1024).toFixed(1)} KB gzip of 12 MiB: HTTP ${status}`);
    expect([400, 413]).toContain(status);
  });
});
