import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCollectorConfig } from '../../cli/render/collector-config.js';
import { loadSanitizeInputs } from '../../cli/render/inputs.js';
import type { SanitizeInputs } from '../../cli/render/sanitize/chain.js';
import { toYaml } from '../../cli/render/yaml.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack, type Stack } from '../../cli/stack/resolve.js';
import { startCollector, testCollectorBinary, type RunningCollector } from './collector.js';
import { grpcExport } from './grpc-export.js';
import { CONTENT_TYPE, encodeLogs, encodeMetrics, type ResourceLogsSpec, type ResourceMetricsSpec } from './otlp-encode.js';
import { freePorts } from './ports.js';

/**
 * The Collector exactly as a stack file renders it, except that storage is replaced by a file exporter,
 * so a test reads back what would have been stored. Receivers, processors and their order are untouched.
 */

export type OtlpProtocol = 'http/json' | 'http/protobuf' | 'grpc';
export const PROTOCOLS: readonly OtlpProtocol[] = ['http/json', 'http/protobuf', 'grpc'];

/** A key of the length `up` generates (32 random bytes, hex). */
export const TEST_HMAC_KEY = 'f1e2d3c4b5a697887766554433221100ffeeddccbbaa99887766554433221100';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export interface StoredLog {
  resource: Record<string, Value>;
  scope: { name: string; version: string; attributes: Record<string, Value> };
  attributes: Record<string, Value>;
  body: Value;
  eventName: string;
}

export interface StoredPoint {
  resource: Record<string, Value>;
  scope: { name: string; version: string; attributes: Record<string, Value> };
  metric: string;
  attributes: Record<string, Value>;
  value: number;
}

export interface StoredOutput {
  logs: StoredLog[];
  points: StoredPoint[];
  /** The exporter's file as written, for whole-text searches (every byte that would be stored). */
  text: string;
}

export interface FilePipeline {
  stack: Stack;
  config: Record<string, unknown>;
  ports: { grpc: number; http: number; health: number; metrics: number };
  hmacKey: string;
  send(protocol: OtlpProtocol, logs: readonly ResourceLogsSpec[], metrics: readonly ResourceMetricsSpec[]): Promise<void>;
  read(): StoredOutput;
  /** Polls the output until it holds at least this many records and points, or the time is up. */
  waitFor(logs: number, points: number, timeoutMs?: number): Promise<StoredOutput>;
  collectorOutput(): string;
  stop(): Promise<void>;
}

export interface FilePipelineOptions {
  /** Stack file text after `version`, ports and paths (profiles:, privacy:, ...). */
  stackYaml: string;
  inputs?: SanitizeInputs;
  hmacKey?: string;
  /** privacy.engine, set over what stackYaml says: the leak tests run for each engine. */
  engine?: SanitizeEngine;
}

export type SanitizeEngine = 'processor' | 'stock';
export const SANITIZE_ENGINES: readonly SanitizeEngine[] = ['processor', 'stock'];

/** Every rendered processor stays; only the exporters (and the pipelines' exporter lists) change. */
export function withFileExporter(config: Record<string, unknown>, path: string): Record<string, unknown> {
  const service = config['service'] as { pipelines: Record<string, { exporters: string[] }> };
  const pipelines = Object.fromEntries(Object.entries(service.pipelines).map(([name, p]) => [name, { ...p, exporters: ['file'] }]));
  return { ...config, exporters: { file: { path } }, service: { ...service, pipelines } };
}

export async function startFilePipeline(options: FilePipelineOptions): Promise<FilePipeline> {
  const binary = await testCollectorBinary();
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-privacy-'));
  const [grpc, http, health, metrics] = (await freePorts(4)) as [number, number, number, number];
  const file = join(dir, 'telemetry-stack.yaml');
  const text = `version: 1
name: privacy
dataDir: ${join(dir, 'data')}
backend: embedded
runtime: process
receivers:
  grpc: {port: ${grpc}}
  http: {port: ${http}}
collector: {healthPort: ${health}, metricsPort: ${metrics}}
${options.stackYaml}
`;
  const parsed = parseStackFile(text, file, {});
  if (!parsed.stack) throw new Error(`test stack file does not load:\n${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  const resolved = resolveStack(parsed.stack, file, {});
  const stack = options.engine ? { ...resolved, privacy: { ...resolved.privacy, engine: options.engine } } : resolved;
  const out = join(dir, 'out.json');
  const config = withFileExporter(renderCollectorConfig(stack, options.inputs ?? loadSanitizeInputs(), 'process'), out);
  const hmacKey = options.hmacKey ?? TEST_HMAC_KEY;
  let collector: RunningCollector;
  try {
    collector = await startCollector(binary, toYaml(config, ''), health, { [stack.privacy.userId.keyEnv]: hmacKey });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const read = (): StoredOutput => {
    const raw = existsSync(out) ? readFileSync(out, 'utf8') : '';
    return { ...parseFileExport(raw), text: raw };
  };

  return {
    stack,
    config,
    ports: { grpc, http, health, metrics },
    hmacKey,
    send: (protocol, logs, metricSpecs) => send({ grpc, http }, protocol, logs, metricSpecs),
    read,
    async waitFor(logs, points, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last = read();
      while (Date.now() < deadline && (last.logs.length < logs || last.points.length < points)) {
        await new Promise((r) => setTimeout(r, 200));
        last = read();
      }
      return last;
    },
    collectorOutput: () => collector.output(),
    async stop() {
      await collector.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function send(ports: { grpc: number; http: number }, protocol: OtlpProtocol, logs: readonly ResourceLogsSpec[], metrics: readonly ResourceMetricsSpec[]): Promise<void> {
  const encoding = protocol === 'http/json' ? 'json' : 'protobuf';
  const bodies: ['logs' | 'metrics', Uint8Array][] = [];
  if (logs.length > 0) bodies.push(['logs', encodeLogs(logs, encoding)]);
  if (metrics.length > 0) bodies.push(['metrics', encodeMetrics(metrics, encoding)]);
  for (const [signal, body] of bodies) {
    if (protocol === 'grpc') {
      const result = await grpcExport(ports.grpc, signal, body);
      if (result.status !== 0) throw new Error(`gRPC ${signal} export: status ${result.status} ${result.message}`);
      continue;
    }
    const res = await fetch(`http://127.0.0.1:${ports.http}/v1/${signal}`, {
      method: 'POST',
      headers: { 'content-type': CONTENT_TYPE[encoding] },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const answer = Buffer.from(await res.arrayBuffer());
    if (!res.ok) throw new Error(`${protocol} ${signal} export: HTTP ${res.status} ${answer.toString('utf8').slice(0, 300)}`);
  }
}

// The file exporter writes one ExportLogsServiceRequest / ExportMetricsServiceRequest per line in
// OTLP/JSON (pdata's marshaler: 64-bit integers as strings, attribute values as AnyValue objects).
interface JsonAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
  bytesValue?: string;
}
interface JsonKeyValue {
  key: string;
  value?: JsonAnyValue;
}
interface JsonScope {
  name?: string;
  version?: string;
  attributes?: JsonKeyValue[];
}

export function anyValue(v: JsonAnyValue | undefined): Value {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue !== undefined) return attributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

export function attributes(kvs: JsonKeyValue[] | undefined): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const kv of kvs ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

const scopeOf = (s: JsonScope | undefined) => ({ name: s?.name ?? '', version: s?.version ?? '', attributes: attributes(s?.attributes) });

interface JsonNumberPoint {
  attributes?: JsonKeyValue[];
  asDouble?: number;
  asInt?: string | number;
}
interface JsonMetric {
  name: string;
  sum?: { dataPoints?: JsonNumberPoint[] };
  gauge?: { dataPoints?: JsonNumberPoint[] };
}
interface JsonExport {
  resourceLogs?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeLogs?: { scope?: JsonScope; logRecords?: { attributes?: JsonKeyValue[]; body?: JsonAnyValue; eventName?: string }[] }[];
  }[];
  resourceMetrics?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeMetrics?: { scope?: JsonScope; metrics?: JsonMetric[] }[];
  }[];
}

/** Flattens OTLP/JSON export requests (one per line) into records and data points. */
export function parseFileExport(text: string): { logs: StoredLog[]; points: StoredPoint[] } {
  const logs: StoredLog[] = [];
  const points: StoredPoint[] = [];
  // The exporter may be mid-write: only newline-terminated lines are complete requests.
  const complete = text.split('\n').slice(0, -1);
  for (const line of complete) {
    if (line.trim() === '') continue;
    const request = JSON.parse(line) as JsonExport;
    for (const rl of request.resourceLogs ?? []) {
      const resource = attributes(rl.resource?.attributes);
      for (const sl of rl.scopeLogs ?? []) {
        const scope = scopeOf(sl.scope);
        for (const lr of sl.logRecords ?? []) {
          logs.push({ resource, scope, attributes: attributes(lr.attributes), body: anyValue(lr.body), eventName: lr.eventName ?? '' });
        }
      }
    }
    for (const rm of request.resourceMetrics ?? []) {
      const resource = attributes(rm.resource?.attributes);
      for (const sm of rm.scopeMetrics ?? []) {
        const scope = scopeOf(sm.scope);
        for (const m of sm.metrics ?? []) {
          for (const dp of m.sum?.dataPoints ?? m.gauge?.dataPoints ?? []) {
            points.push({ resource, scope, metric: m.name, attributes: attributes(dp.attributes), value: dp.asDouble ?? Number(dp.asInt ?? NaN) });
          }
        }
      }
    }
  }
  return { logs, points };
}
