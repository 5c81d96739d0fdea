import type { Metafile } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: build tooling in plain ESM, without type declarations
import { bundleClient } from '../scripts/build.mjs';
import {
  ATTR_EVENT_NAME,
  ATTR_EXIT_CODE,
  ATTR_VERB,
  EVENT_COMMAND,
  EVENT_HEARTBEAT,
  EVENT_USAGE,
  RESOURCE_FINGERPRINT,
  RESOURCE_SERVICE_NAME,
  RESOURCE_SERVICE_VERSION,
  SCOPE_NAME,
} from '../src/names.js';
import { buildClient, PACKAGE, REPO, type BuiltClient } from './helpers/build.js';
import { isolatedHome } from './helpers/env.js';
import { decodeLogs, flattenRecords } from './helpers/otlp-decode.js';
import { runNode } from './helpers/run-node.js';
import { startSink, type Sink } from './helpers/servers.js';

// The built files are what a host imports. Each entry must be one file that imports nothing (module-load.test.ts
// runs the built-in probes on it), and the send path a file of its own. The temporary install has no
// node_modules but the package itself, so every run below also shows the bundle needs no dependency.

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

async function probe(entry: string, env: NodeJS.ProcessEnv, options: Record<string, unknown>): Promise<string> {
  const script = `
    const client = await import(${JSON.stringify(entry)});
    const telemetry = client.createUsageTelemetry({ service: 'tiny-cli', version: '1.2.3', ...${JSON.stringify(options)} });
    process.stdout.write(await telemetry.track('db migrate', { exit: 3 }));
  `;
  const run = await runNode(['--input-type=module', '-e', script], { env, killAfterMs: 15_000 });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

describe('the bundle', () => {
  it('package.json exports each entry as its bundle, with the tsc declarations as its types', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
      dependencies?: Record<string, string>;
    };
    expect(pkg.exports['.']).toEqual({ types: './dist/types/index.d.ts', default: './dist/index.js' });
    expect(pkg.exports['./heartbeat']).toEqual({ types: './dist/types/heartbeat-entry.d.ts', default: './dist/heartbeat.js' });
    expect(pkg.exports['./names']).toEqual({ types: './dist/types/names.d.ts', default: './dist/names.js' });
    // Everything it runs is in dist/: a dependency would be one more package in every host's install.
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('the telemetry-stack package depends on it and keeps telemetry-stack/client as a re-export', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
      dependencies: Record<string, string>;
    };
    const client = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(pkg.dependencies[client.name]).toBe(client.version);
    expect(pkg.exports['./client']).toEqual({ types: './dist/cli/client.d.ts', default: './dist/cli/client.js' });
  });

  it('index.js and heartbeat.js are one file each: no static import, no send-path module, no node_modules code', async () => {
    const outdir = join(built.root, 'bundle-meta');
    const { metafile } = (await bundleClient({ outdir, metafile: true })) as { metafile?: Metafile };
    const outputs = metafile!.outputs;
    // esbuild names outputs, imports and inputs relative to the directory it ran in.
    const output = (name: string) => outputs[relative(process.cwd(), join(outdir, name))]!;
    const SEND_PATH = ['send.ts', 'encode.ts', 'transport.ts', 'lookup.ts', 'deadline.ts', 'persistent-id.ts'];
    const inputsOf = (name: string) => Object.keys(output(name).inputs);

    for (const [entry, own, notHere] of [
      ['index.js', 'src/usage-telemetry.ts', 'src/heartbeat.ts'],
      ['heartbeat.js', 'src/heartbeat.ts', 'src/usage-telemetry.ts'],
    ] as const) {
      const { imports } = output(entry);
      // Nothing is imported before the entry runs; the send path is imported when a send needs it.
      expect(imports.filter((i) => i.kind !== 'dynamic-import').map((i) => i.path)).toEqual([]);
      expect(imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path)).toEqual(['./send.js']);
      const inputs = inputsOf(entry);
      expect(inputs.filter((input) => input.includes('node_modules'))).toEqual([]);
      expect(inputs.some((input) => input.endsWith(own))).toBe(true);
      expect(inputs.some((input) => input.endsWith(notHere))).toBe(false);
      for (const sendPath of SEND_PATH) expect(inputs.some((input) => input.endsWith(`src/${sendPath}`))).toBe(false);
    }
    // ./send.js is the send path, built next to them, importing nothing either.
    expect(output('send.js').imports).toEqual([]);
    for (const sendPath of SEND_PATH) expect(inputsOf('send.js').some((input) => input.endsWith(`src/${sendPath}`))).toBe(true);
    // ./names.js is the vocabulary alone.
    expect(output('names.js').imports).toEqual([]);
    expect(inputsOf('names.js').map((input) => input.replace(/.*src\//, ''))).toEqual(['names.ts']);
  });

  it.each(['http/protobuf', 'http/json'] as const)(
    'over %s: a well-formed request',
    async (protocol) => {
      const before = sink.requests.length;
      expect(await probe(built.bundle, home.env, { endpoint: sink.url, protocol })).toBe('sent');

      expect(sink.requests).toHaveLength(before + 1);
      const request = sink.requests.at(-1)!;
      expect(request.path).toBe('/v1/logs');
      expect(request.contentType).toBe(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
      const records = flattenRecords(decodeLogs(request.contentType, request.body));
      expect(records).toHaveLength(1);
      const [{ resource, scope, record }] = records as [(typeof records)[number]];
      expect(Object.keys(resource).sort()).toEqual(
        [RESOURCE_FINGERPRINT, RESOURCE_SERVICE_NAME, RESOURCE_SERVICE_VERSION].sort(),
      );
      expect(resource[RESOURCE_SERVICE_NAME]).toBe('tiny-cli');
      expect(resource[RESOURCE_SERVICE_VERSION]).toBe('1.2.3');
      expect(scope.name).toBe(SCOPE_NAME);
      expect(record.eventName).toBe(EVENT_COMMAND);
      expect(record.attributes).toEqual({ [ATTR_EVENT_NAME]: EVENT_COMMAND, [ATTR_VERB]: 'db migrate', [ATTR_EXIT_CODE]: 3n });
    },
  );

  it('a heartbeat from the bundle is a well-formed request too', async () => {
    const before = sink.requests.length;
    const script = `
      const { createHeartbeat } = await import(${JSON.stringify(built.heartbeat)});
      const heartbeat = createHeartbeat({ service: 'tiny-cli', version: '1', endpoint: ${JSON.stringify(sink.url)}, flushOnExit: false });
      heartbeat.count('api', 'users.list', 2);
      process.stdout.write(await heartbeat.shutdown());
    `;
    const run = await runNode(['--input-type=module', '-e', script], { env: home.env, killAfterMs: 15_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('sent');
    expect(sink.requests).toHaveLength(before + 1);
    const request = sink.requests.at(-1)!;
    const records = flattenRecords(decodeLogs(request.contentType, request.body));
    expect(records.map((r) => r.record.eventName)).toEqual([EVENT_HEARTBEAT, EVENT_USAGE]);
  });
});
