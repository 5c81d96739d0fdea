import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient, type BuiltClient } from './helpers/build.js';
import { isolatedHome } from './helpers/env.js';
import { runNode } from './helpers/run-node.js';
import { startSink, type Sink } from './helpers/servers.js';

// "No work when disabled" checked from inside a fresh process: what did it load? node:net (under node:http
// too) shows up in process.moduleLoadList once anything opened a socket. The send path (send.js: encoder,
// socket code, fingerprint file) is an ES module, which no cache lists, so it is checked by removing it
// from a copy of the install: a run that never imports it cannot tell. The enabled controls prove both
// probes do see a load when there is one.

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

interface ProbeReport {
  /** node:net or node:http was loaded. */
  networkAfterImport: boolean;
  result: string;
  networkAfterTrack: boolean;
}

async function probe(entry: string, env: NodeJS.ProcessEnv): Promise<ProbeReport> {
  const script = `
    const network = () => process.moduleLoadList.some((m) => ['NativeModule net', 'NativeModule http', 'NativeModule _http_client'].includes(m));
    const client = await import(${JSON.stringify(entry)});
    const networkAfterImport = network();
    const telemetry = client.createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: ${JSON.stringify(sink.url)} });
    const result = await telemetry.track('greet', { exit: 0 });
    // Taken before process.stdout is touched: on a pipe, its getter loads node:net.
    const networkAfterTrack = network();
    process.stdout.write(JSON.stringify({ networkAfterImport, result, networkAfterTrack }));
  `;
  const run = await runNode(['--input-type=module', '-e', script], { env, killAfterMs: 15_000 });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ProbeReport;
}

/** A copy of the installed package without dist/send.js. */
function installWithoutSendPath(): { entry: string; cleanup(): void } {
  const copy = mkdtempSync(join(tmpdir(), 'ts-client-nosend-'));
  cpSync(join(built.root, 'node_modules'), join(copy, 'node_modules'), { recursive: true });
  rmSync(join(copy, 'node_modules/@telemetry-stack/client/dist/send.js'));
  return { entry: join(copy, 'node_modules/@telemetry-stack/client/dist/index.js'), cleanup: () => rmSync(copy, { recursive: true, force: true }) };
}

describe('module loading', () => {
  it('importing the library opens nothing', async () => {
    const report = await probe(built.bundle, { ...home.env, DO_NOT_TRACK: '1' });
    expect(report.networkAfterImport).toBe(false);
  });

  it.each([{ DO_NOT_TRACK: '1' }, { TINY_CLI_TELEMETRY: '0' }, { CI: 'true' }])(
    'disabled by %j: track opens no socket and never imports the send path',
    async (optOut) => {
      const before = sink.connections();
      const report = await probe(built.bundle, { ...home.env, ...optOut });
      expect(report.result).toBe('disabled');
      expect(report.networkAfterTrack).toBe(false);
      expect(sink.connections()).toBe(before);

      const install = installWithoutSendPath();
      try {
        expect((await probe(install.entry, { ...home.env, ...optOut })).result).toBe('disabled');
      } finally {
        install.cleanup();
      }
    },
  );

  it('control: enabled, track loads node:net and sends; without the send path it fails', async () => {
    const before = sink.requests.length;
    const report = await probe(built.bundle, home.env);
    expect(report.networkAfterImport).toBe(false);
    expect(report.result).toBe('sent');
    expect(report.networkAfterTrack).toBe(true);
    expect(sink.requests.length).toBe(before + 1);

    const install = installWithoutSendPath();
    try {
      expect((await probe(install.entry, home.env)).result).toBe('failed');
    } finally {
      install.cleanup();
    }
  });
});

// Node built-ins: process.moduleLoadList names every built-in (and internal module) once it is loaded.
// An ESM import of node:fs alone loads some twenty stream internals, which is why the library imports no
// built-in at all (builtins.ts says why).

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

describe('Node built-ins', () => {
  const entry = (): string => built.bundle;
  it.each([{ DO_NOT_TRACK: '1' }, { TINY_CLI_TELEMETRY: '0' }, { CI: 'true' }])(
    'disabled by %j: import, create and track load no Node built-in',
    async (optOut) => {
      const report = await builtinProbe(entry(), { ...home.env, ...optOut, TINY_CLI_TELEMETRY_ENDPOINT: sink.url });
      expect(report.result).toBe('disabled');
      expect(report.builtins).toEqual([]);
    },
  );

  it('disabled by env without HOME: the config directory is not even worked out (node:os stays unloaded)', async () => {
    // Without HOME the directory would come from os.homedir(); a run whose env decides needs no path.
    const report = await builtinProbe(entry(), { PATH: process.env.PATH, TINY_CLI_TELEMETRY: '0' });
    expect(report.result).toBe('disabled');
    expect(report.builtins).toEqual([]);
  });

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

describe('CommonJS hosts', () => {
  const entry = (): string => built.bundle;
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
