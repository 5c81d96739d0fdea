/** OTLP/HTTP JSON log records for load tests: `count` cli-usage events in batches, all marked with `runId`. */
export async function sendCliEvents(httpPort: number, runId: string, count: number, batch = 500): Promise<number> {
  let sent = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const now = BigInt(Date.now()) * 1_000_000n;
    const logRecords = Array.from({ length: n }, (_, i) => ({
      timeUnixNano: String(now + BigInt(start + i)),
      body: { stringValue: `${runId} event ${start + i}` },
      attributes: [
        { key: 'event.name', value: { stringValue: 'cli.command' } },
        { key: 'cli.verb', value: { stringValue: `verb${(start + i) % 7}` } },
        { key: 'cli.exit_code', value: { intValue: String((start + i) % 5 === 0 ? 1 : 0) } },
      ],
    }));
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'load-test-cli' } }] },
          scopeLogs: [{ scope: { name: 'telemetry-stack/client' }, logRecords }],
        },
      ],
    };
    const res = await fetch(`http://127.0.0.1:${httpPort}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`batch at ${start}: HTTP ${res.status}`);
    sent += n;
  }
  return sent;
}
