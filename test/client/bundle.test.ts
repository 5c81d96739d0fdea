import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleClient } from '../../cli/client/bundle.mjs';
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
} from '../../cli/client/names.js';
import { buildClient, REPO, type BuiltClient } from './helpers/build.js';
import { isolatedHome } from './helpers/env.js';
import { decodeLogs, flattenRecords } from './helpers/otlp-decode.js';
import { runNode } from './helpers/run-node.js';
import { startSink, type Sink } from './helpers/servers.js';

// The bundle is what `telemetry-stack/client` resolves to. It must load as little as the tsc output does
// (module-load.test.ts runs the built-in probes on both), encode the same payloads, and take the OTLP
// serializer from its own chunk instead of from node_modules (require.cache shows any CommonJS file that
// was loaded from there; the last test is the control that the probe sees one).

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

interface Report {
  result: string;
  /** CommonJS files under node_modules/@opentelemetry that were loaded. */
  opentelemetry: string[];
}

async function probe(entry: string, env: NodeJS.ProcessEnv, options: Record<string, unknown>): Promise<Report> {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(entry)});
    const client = await import(${JSON.stringify(entry)});
    const telemetry = client.createUsageTelemetry({ service: 'tiny-cli', version: '1.2.3', ...${JSON.stringify(options)} });
    const result = await telemetry.track('db migrate', { exit: 3 });
    const opentelemetry = Object.keys(require.cache).filter((p) => p.includes('@opentelemetry'));
    process.stdout.write(JSON.stringify({ result, opentelemetry }));
  `;
  const run = await runNode(['--input-type=module', '-e', script], { env, killAfterMs: 15_000 });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Report;
}

describe('the bundle', () => {
  it('package.json exports ./client as the bundle, with the tsc declarations as its types', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    expect(pkg.exports['./client']).toEqual({
      types: './dist/cli/client/index.d.ts',
      default: './dist/client/index.js',
    });
  });

  it('index.js is one file: no static import, no send-path module, no node_modules code', async () => {
    const outdir = join(built.root, 'bundle-meta');
    const { metafile } = await bundleClient({ outdir, metafile: true });
    const outputs = metafile!.outputs;
    // esbuild names outputs, imports and inputs relative to the directory it ran in.
    const indexKey = relative(process.cwd(), join(outdir, 'index.js'));
    expect(outputs[indexKey]).toBeDefined();

    // Nothing is imported before index.js runs but node:module (builtins.ts says why): no chunk, no
    // package, no other built-in. The send path is imported when a send needs it.
    const index = outputs[indexKey]!;
    expect(index.imports.filter((i) => i.kind !== 'dynamic-import').map((i) => i.path)).toEqual(['node:module']);
    expect(index.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path)).toEqual(['./send.js', './send.js']);
    const inputs = Object.keys(index.inputs);
    expect(inputs.filter((input) => input.includes('node_modules'))).toEqual([]);
    expect(inputs.some((input) => input.endsWith('cli/client/usage-telemetry.ts'))).toBe(true);
    for (const sendPath of ['send.ts', 'encode.ts', 'transport.ts', 'lookup.ts', 'deadline.ts']) {
      expect(inputs.some((input) => input.endsWith(`cli/client/${sendPath}`))).toBe(false);
    }
    // And ./send.js is the send path, built next to it.
    const send = outputs[relative(process.cwd(), join(outdir, 'send.js'))]!;
    expect(Object.keys(send.inputs).some((input) => input.endsWith('cli/client/transport.ts'))).toBe(true);
  });

  it.each(['http/protobuf', 'http/json'] as const)(
    'over %s: a well-formed request, encoded without loading anything from node_modules/@opentelemetry',
    async (protocol) => {
      const before = sink.requests.length;
      const report = await probe(built.bundle, home.env, { endpoint: sink.url, protocol });
      expect(report.result).toBe('sent');
      expect(report.opentelemetry).toEqual([]);

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
      const { createHeartbeat } = await import(${JSON.stringify(built.bundle)});
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

  it('the control: the tsc output does load the serializer from node_modules', async () => {
    const report = await probe(built.entry, home.env, { endpoint: sink.url });
    expect(report.result).toBe('sent');
    expect(report.opentelemetry.some((p) => p.includes('otlp-transformer/build/src/logs/protobuf/'))).toBe(true);
  });
});
