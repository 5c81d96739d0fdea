import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './ports.js';

export interface TestStack {
  dir: string;
  file: string;
  dataDir: string;
  ports: { grpc: number; http: number; health: number; metrics: number; storage: number; native: number };
}

/** A stack file in a fresh temp directory, on free loopback ports, data kept inside the directory. */
export async function writeTestStack(extra = '', backend = 'embedded'): Promise<TestStack> {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-it-'));
  const [grpc, http, health, metrics, storage, native] = (await freePorts(6)) as [number, number, number, number, number, number];
  const dataDir = join(dir, 'data');
  const file = join(dir, 'telemetry-stack.yaml');
  writeFileSync(
    file,
    `version: 1.0
name: it
dataDir: ${dataDir}
backend: ${backend}
runtime: process
profiles: [claude-code, cli-usage]
receivers:
  grpc: {port: ${grpc}}
  http: {port: ${http}}
collector: {healthPort: ${health}, metricsPort: ${metrics}}
${backend === 'loki' ? `loki: {url: 'http://127.0.0.1:${storage}'}` : backend === 'embedded' ? `clickhouse: {port: ${storage}, nativePort: ${native}}` : `clickhouse: {port: ${storage}}`}
${extra}`,
  );
  return { dir, file, dataDir, ports: { grpc, http, health, metrics, storage, native } };
}
