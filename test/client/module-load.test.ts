import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient, type BuiltClient } from './helpers/build.js';
import { isolatedHome } from './helpers/env.js';
import { runNode } from './helpers/run-node.js';
import { startSink, type Sink } from './helpers/servers.js';

// "No work when disabled" checked from inside a fresh process: which modules did it load? The OTLP
// encoder is CommonJS, so it shows up in require.cache once loaded; node:net (under node:http too) shows
// up in process.moduleLoadList once anything opened a socket. The enabled control proves both probes
// do see a load when there is one.

let built: BuiltClient;
let home: ReturnType<typeof isolatedHome>;
let sink: Sink;
let warm: string;

beforeAll(async () => {
  built = await buildClient();
  home = isolatedHome();
  sink = await startSink();
  // Imported first by the built-in probes, so what Node loads to read any ES module file is not counted.
  warm = join(built.root, 'warm.mjs');
  writeFileSync(warm, 'export {};\n');
});

afterAll(async () => {
  await sink?.close();
  built?.cleanup();
  home?.cleanup();
});

interface Probe {
  transformer: boolean;
  /** node:net or node:http was loaded. */
  network: boolean;
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
      network: process.moduleLoadList.some((m) => ['NativeModule net', 'NativeModule http', 'NativeModule _http_client'].includes(m)),
    });
    const client = await import(${JSON.stringify(built.entry)});
    const afterImport = probe();
    const telemetry = client.createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: ${JSON.stringify(sink.url)} });
    const result = await telemetry.track('greet', { exit: 0 });
    // Taken before process.stdout is touched: on a pipe, its getter loads node:net.
    const afterTrack = probe();
    process.stdout.write(JSON.stringify({ afterImport, result, afterTrack }));
  `;
  const run = await runNode(['--input-type=module', '-e', script], { env, killAfterMs: 15_000 });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ProbeReport;
}

describe('module loading', () => {
  it('importing the library loads neither the encoder nor node:net', async () => {
    const report = await probe({ ...home.env, DO_NOT_TRACK: '1' });
    expect(report.afterImport).toEqual({ transformer: false, network: false });
  });

  it.each([{ DO_NOT_TRACK: '1' }, { TINY_CLI_TELEMETRY: '0' }, { CI: 'true' }])(
    'disabled by %j: track loads nothing and opens no socket',
    async (optOut) => {
      const before = sink.connections();
      const report = await probe({ ...home.env, ...optOut });
      expect(report.result).toBe('disabled');
      expect(report.afterTrack).toEqual({ transformer: false, network: false });
      expect(sink.connections()).toBe(before);
    },
  );

  it('control: enabled, track loads the encoder and node:net and sends', async () => {
    const before = sink.requests.length;
    const report = await probe(home.env);
    expect(report.afterImport).toEqual({ transformer: false, network: false });
    expect(report.result).toBe('sent');
    expect(report.afterTrack).toEqual({ transformer: true, network: true });
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

// Node built-ins: process.moduleLoadList names every built-in (and internal module) once it is loaded.
// An ESM import of node:fs alone loads some twenty stream internals, which is why the library imports no
// built-in but node:module (builtins.ts says why), and that loads exactly these two.
const NODE_MODULE = ['NativeModule internal/source_map/source_map', 'NativeModule module'];

interface BuiltinReport {
  result: string;
  /** Built-ins and their internals first loaded by import + create + track, in load order. */
  builtins: string[];
}

async function builtinProbe(entry: string, env: NodeJS.ProcessEnv): Promise<BuiltinReport> {
  const script = `
    await import(${JSON.stringify(warm)});
    const before = new Set(process.moduleLoadList);
    const client = await import(${JSON.stringify(entry)});
    const telemetry = client.createUsageTelemetry({ service: 'tiny-cli', version: '1' });
    const result = await telemetry.track('greet', { exit: 0 });
    const builtins = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule '));
    process.stdout.write(JSON.stringify({ result, builtins }));
  `;
  const run = await runNode(['--input-type=module', '-e', script], { env, killAfterMs: 15_000 });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as BuiltinReport;
}

const builds = [
  ['bundle', () => built.bundle],
  ['tsc output', () => built.entry],
] as const;

describe.each(builds)('%s: Node built-ins', (_name, entry) => {
  it.each([{ DO_NOT_TRACK: '1' }, { TINY_CLI_TELEMETRY: '0' }, { CI: 'true' }])(
    'disabled by %j: import, create and track load no Node built-in but node:module',
    async (optOut) => {
      const report = await builtinProbe(entry(), { ...home.env, ...optOut, TINY_CLI_TELEMETRY_ENDPOINT: sink.url });
      expect(report.result).toBe('disabled');
      expect([...report.builtins].sort()).toEqual(NODE_MODULE);
    },
  );

  it('control: the first send loads node:net, and node:crypto to make the fingerprint', async () => {
    const fresh = isolatedHome();
    try {
      const report = await builtinProbe(entry(), { ...fresh.env, TINY_CLI_TELEMETRY_ENDPOINT: sink.url });
      expect(report.result).toBe('sent');
      expect(report.builtins).toContain('NativeModule net');
      expect(report.builtins).toContain('NativeModule crypto');
      // The request is written on a socket of its own (transport.ts); node:http is not needed for it.
      expect(report.builtins).not.toContain('NativeModule http');
    } finally {
      fresh.cleanup();
    }
  });

  it('a later send to an IP address reads the fingerprint: neither node:crypto nor node:dns is loaded', async () => {
    const env = { ...home.env, TINY_CLI_TELEMETRY_ENDPOINT: sink.url };
    expect((await builtinProbe(entry(), env)).result).toBe('sent');
    const report = await builtinProbe(entry(), env);
    expect(report.result).toBe('sent');
    expect(report.builtins).toContain('NativeModule net');
    expect(report.builtins).not.toContain('NativeModule crypto');
    expect(report.builtins).not.toContain('NativeModule dns');
  });
});

describe.each(builds)('%s: CommonJS hosts', (_name, entry) => {
  // require() of an ES module works only for modules without top-level await (Node >= 22.12 by default,
  // 20.17 behind this flag), so a top-level await anywhere in the import graph would lock them out.
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  it.runIf(major > 20 || (major === 20 && minor >= 17))(
    'can require() the library and send nothing when disabled',
    async () => {
      const script = `
        const client = require(${JSON.stringify(entry())});
        client.createUsageTelemetry({ service: 'tiny-cli', version: '1' }).track('greet').then((r) => process.stdout.write(r));
      `;
      const run = await runNode(['--experimental-require-module', '--no-warnings', '-e', script], {
        env: { ...home.env, DO_NOT_TRACK: '1' },
        killAfterMs: 15_000,
      });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('disabled');
    },
  );
});
