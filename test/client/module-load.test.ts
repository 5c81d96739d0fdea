import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient, type BuiltClient } from './helpers/build.js';
import { isolatedHome } from './helpers/env.js';
import { runNode } from './helpers/run-node.js';
import { startSink, type Sink } from './helpers/servers.js';

// "No work when disabled" checked from inside a fresh process: which modules did it load? The OTLP
// encoder is CommonJS, so it shows up in require.cache once loaded; node:http shows up in
// process.moduleLoadList once anything opened an HTTP request. The enabled control proves both probes
// do see a load when there is one.

let built: BuiltClient;
let home: ReturnType<typeof isolatedHome>;
let sink: Sink;

beforeAll(async () => {
  built = await buildClient();
  home = isolatedHome();
  sink = await startSink();
});

afterAll(async () => {
  await sink?.close();
  built?.cleanup();
  home?.cleanup();
});

interface Probe {
  transformer: boolean;
  http: boolean;
}
interface ProbeReport {
  afterImport: Probe;
  result: string;
  afterTrack: Probe;
}

async function probe(env: NodeJS.ProcessEnv): Promise<ProbeReport> {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(built.entry)});
    const probe = () => ({
      transformer: Object.keys(require.cache).some((p) => p.includes('otlp-transformer')),
      http: process.moduleLoadList.some((m) => m === 'NativeModule http' || m === 'NativeModule _http_client'),
    });
    const client = await import(${JSON.stringify(built.entry)});
    const afterImport = probe();
    const telemetry = client.createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: ${JSON.stringify(sink.url)} });
    const result = await telemetry.track('greet', { exit: 0 });
    process.stdout.write(JSON.stringify({ afterImport, result, afterTrack: probe() }));
  `;
  const run = await runNode(['--input-type=module', '-e', script], { env, killAfterMs: 15_000 });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ProbeReport;
}

describe('module loading', () => {
  it('importing the library loads neither the encoder nor node:http', async () => {
    const report = await probe({ ...home.env, DO_NOT_TRACK: '1' });
    expect(report.afterImport).toEqual({ transformer: false, http: false });
  });

  it.each([{ DO_NOT_TRACK: '1' }, { TINY_CLI_TELEMETRY: '0' }, { CI: 'true' }])(
    'disabled by %j: track loads nothing and opens no socket',
    async (optOut) => {
      const before = sink.connections();
      const report = await probe({ ...home.env, ...optOut });
      expect(report.result).toBe('disabled');
      expect(report.afterTrack).toEqual({ transformer: false, http: false });
      expect(sink.connections()).toBe(before);
    },
  );

  it('control: enabled, track loads the encoder and node:http and sends', async () => {
    const before = sink.requests.length;
    const report = await probe(home.env);
    expect(report.afterImport).toEqual({ transformer: false, http: false });
    expect(report.result).toBe('sent');
    expect(report.afterTrack).toEqual({ transformer: true, http: true });
    expect(sink.requests.length).toBe(before + 1);
  });

  it('the encoder is loaded from its own file, not the package index that pulls in sdk-metrics', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(${JSON.stringify(built.entry)});
      const client = await import(${JSON.stringify(built.entry)});
      await client.createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: ${JSON.stringify(sink.url)} }).track('greet');
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));
    `;
    const run = await runNode(['--input-type=module', '-e', script], { env: home.env, killAfterMs: 15_000 });
    const loaded = JSON.parse(run.stdout) as string[];
    expect(loaded.some((p) => p.includes('otlp-transformer/build/src/logs/protobuf/'))).toBe(true);
    expect(loaded.some((p) => p.includes('@opentelemetry/sdk-metrics'))).toBe(false);
    expect(loaded.some((p) => p.endsWith('otlp-transformer/build/src/index.js'))).toBe(false);
  });
});
