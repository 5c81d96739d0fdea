import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { lintCollectorConfig } from '../lint/lint.js';
import { readCollectorMetrics } from '../runtime/collector-metrics.js';
import { configDir } from '../runtime/process/process-runtime.js';
import { loadOrCreateSecrets } from '../runtime/secrets.js';
import type { Stack } from '../stack/resolve.js';
import { openClickHouse } from '../storage/clickhouse.js';
import { canaryLogs, canaryMetrics, expectedUserHash, makeCanary, type Canary } from './canary.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  hint?: string;
}

export interface VerifyReport {
  ok: boolean;
  checks: CheckResult[];
  latencyMs?: number;
}

const POLL_TIMEOUT_MS = 30_000;

/**
 * End-to-end proof that the running stack works: config, health, storage, a canary through the
 * real receiver into storage, sanitization on the way, retention, and the latency it took.
 * Each check runs even when an earlier one failed, where it still can, so one run shows all.
 */
export async function verifyStack(stack: Stack, env: NodeJS.ProcessEnv, progress: (line: string) => void = () => {}): Promise<VerifyReport> {
  const checks: CheckResult[] = [];
  const add = (c: CheckResult) => {
    checks.push(c);
    progress(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  };
  const secrets = loadOrCreateSecrets(stack, env, { create: false });
  const runEnv = { ...env, ...secrets.env };

  add(checkConfig(stack, runEnv));
  add(await checkCollectorHealth(stack));

  if (stack.backend === 'loki') {
    add({ name: 'storage', ok: false, detail: 'verify reads ClickHouse; Loki read-back is not supported by this version', hint: 'use backend embedded or clickhouse for verify' });
    return { ok: false, checks };
  }

  const client = openClickHouse(stack, secrets.env[stack.clickhouse.passwordEnv]!);
  try {
    const storage = await checkStorage(stack, client);
    add(storage);
    const canary = makeCanary(stack);
    const sent = await sendCanary(stack, canary, runEnv);
    add(sent);
    let latencyMs: number | undefined;
    if (sent.ok && storage.ok) {
      const arrived = await pollCanary(stack, client, canary);
      add(arrived.check);
      latencyMs = arrived.latencyMs;
      if (arrived.row) add(checkSanitized(stack, canary, arrived.row, runEnv));
      else add({ name: 'sanitized', ok: false, detail: 'canary not stored, nothing to inspect', hint: 'fix the check above first' });
    }
    add(await checkRetention(stack, client));
    if (latencyMs !== undefined) add({ name: 'latency', ok: true, detail: `canary visible in storage ${latencyMs} ms after it was sent` });
    return { ok: checks.every((c) => c.ok), checks, ...(latencyMs !== undefined ? { latencyMs } : {}) };
  } finally {
    await client.close();
  }
}

function checkConfig(stack: Stack, env: NodeJS.ProcessEnv): CheckResult {
  const file = join(configDir(stack.dataDir), 'collector.yaml');
  if (!existsSync(file)) return { name: 'config', ok: false, detail: `${file} missing`, hint: 'run telemetry-stack up' };
  const findings = lintCollectorConfig(file, readFileSync(file, 'utf8'), { env });
  if (findings.length > 0) {
    const f = findings[0]!;
    return { name: 'config', ok: false, detail: `${findings.length} lint finding(s), first: ${f.file}:${f.line}: ${f.message}`, hint: 'run telemetry-stack lint on the file' };
  }
  return { name: 'config', ok: true, detail: 'stack file valid, rendered Collector config lints clean' };
}

async function checkCollectorHealth(stack: Stack): Promise<CheckResult> {
  const url = `http://127.0.0.1:${stack.collector.healthPort}/`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    if (!res.ok) return { name: 'collector', ok: false, detail: `${url} answered HTTP ${res.status}`, hint: 'see telemetry-stack logs collector' };
    const m = await readCollectorMetrics(stack.collector.metricsPort).catch(() => undefined);
    return { name: 'collector', ok: true, detail: `healthy${m ? ` (${m.summary})` : ''}` };
  } catch {
    return { name: 'collector', ok: false, detail: `no answer from ${url}`, hint: 'start the stack: telemetry-stack up' };
  }
}

async function checkStorage(stack: Stack, client: ClickHouseClient): Promise<CheckResult> {
  const db = stack.clickhouse.database;
  try {
    const rs = await client.query({ query: 'SELECT name FROM system.tables WHERE database = {db:String}', query_params: { db }, format: 'JSONEachRow' });
    const tables = new Set(((await rs.json()) as { name: string }[]).map((r) => r.name));
    const needed = ['otel_logs', 'otel_metrics_sum', 'cli_usage_daily', 'claude_code_cost_daily'];
    const missing = needed.filter((t) => !tables.has(t));
    if (missing.length > 0) return { name: 'storage', ok: false, detail: `missing tables in ${db}: ${missing.join(', ')}`, hint: 'run telemetry-stack up (it creates them)' };
    return { name: 'storage', ok: true, detail: `ClickHouse answers on 127.0.0.1:${stack.clickhouse.port}; ${needed.length} tables present in ${db}` };
  } catch (e) {
    return { name: 'storage', ok: false, detail: `ClickHouse on 127.0.0.1:${stack.clickhouse.port}: ${firstLine(e)}`, hint: 'see telemetry-stack logs clickhouse' };
  }
}

async function sendCanary(stack: Stack, canary: Canary, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const r = stack.receivers;
  if (!r.http.enabled) return { name: 'canary sent', ok: false, detail: 'the OTLP/HTTP receiver is disabled', hint: 'enable receivers.http for verify' };
  const host = r.bind === '0.0.0.0' || r.bind === '::' ? '127.0.0.1' : r.bind;
  const base = `${r.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${r.http.port}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (r.auth) headers['authorization'] = `Bearer ${env[r.auth.bearerTokenEnv] ?? ''}`;
  canary.sentAtMs = Date.now();
  try {
    for (const [path, body] of [['/v1/logs', canaryLogs(canary)], ['/v1/metrics', canaryMetrics(canary)]] as const) {
      const res = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      if (!res.ok) return { name: 'canary sent', ok: false, detail: `${path}: HTTP ${res.status} ${text.slice(0, 200)}`, hint: 'see telemetry-stack logs collector' };
    }
    return { name: 'canary sent', ok: true, detail: `log and metric ${canary.id} accepted by ${base}` };
  } catch (e) {
    return { name: 'canary sent', ok: false, detail: `${base}: ${firstLine(e)}`, hint: 'is the stack up? telemetry-stack status' };
  }
}

interface StoredCanary {
  Body: string;
  LogAttributes: Record<string, string>;
  ServiceName: string;
}

async function pollCanary(stack: Stack, client: ClickHouseClient, canary: Canary): Promise<{ check: CheckResult; row?: StoredCanary; latencyMs?: number }> {
  const db = stack.clickhouse.database;
  const deadline = Date.now() + POLL_TIMEOUT_MS;
  let metricSeen = false;
  let row: StoredCanary | undefined;
  let arrivedAt = 0;
  while (Date.now() < deadline) {
    if (!row) {
      const rs = await client.query({
        query: `SELECT Body, LogAttributes, ServiceName FROM ${db}.otel_logs WHERE Timestamp >= now() - INTERVAL 1 HOUR AND position(Body, {id:String}) > 0 LIMIT 1`,
        query_params: { id: canary.id },
        format: 'JSONEachRow',
      });
      row = ((await rs.json()) as StoredCanary[])[0];
      if (row) arrivedAt = Date.now();
    }
    if (!metricSeen) {
      const rs = await client.query({
        query: `SELECT count() AS n FROM ${db}.otel_metrics_sum WHERE MetricName = 'telemetry_stack.verify.canary' AND position(toString(Attributes), {id:String}) > 0`,
        query_params: { id: canary.id },
        format: 'JSONEachRow',
      });
      metricSeen = Number(((await rs.json()) as { n: string }[])[0]?.n ?? 0) > 0;
    }
    if (row && metricSeen) {
      return { check: { name: 'canary stored', ok: true, detail: `log and metric ${canary.id} found in ${db}` }, row, latencyMs: arrivedAt - canary.sentAtMs };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const missing = [row ? '' : 'log', metricSeen ? '' : 'metric'].filter(Boolean).join(' and ');
  return {
    check: { name: 'canary stored', ok: false, detail: `${missing} ${canary.id} not in storage after ${POLL_TIMEOUT_MS / 1000} s`, hint: 'check telemetry-stack status (send failures) and logs collector' },
    ...(row ? { row, latencyMs: arrivedAt - canary.sentAtMs } : {}),
  };
}

function checkSanitized(stack: Stack, canary: Canary, row: StoredCanary, env: NodeJS.ProcessEnv): CheckResult {
  const stored = JSON.stringify(row);
  const problems: string[] = [];
  if (stored.includes(canary.secret)) problems.push('the planted secret arrived in clear');
  if (stored.includes(canary.email)) problems.push('the planted email arrived in clear');
  if (stored.includes(canary.userId)) problems.push('the raw user id arrived');
  const userKept = stack.privacy.userId.mode !== 'drop' && row.LogAttributes['user.id'] !== undefined;
  if (stack.privacy.userId.mode === 'hmac' && userKept) {
    const key = env[stack.privacy.userId.keyEnv] ?? '';
    if (row.LogAttributes['user.id'] !== expectedUserHash(key, canary.userId)) problems.push('user.id is not the HMAC-SHA256 of the raw id');
  }
  if (problems.length > 0) return { name: 'sanitized', ok: false, detail: problems.join('; '), hint: 'check the privacy section of the stack file and the rendered redaction processors' };
  const what = ['secret masked', 'email masked', stack.privacy.userId.mode === 'hmac' && userKept ? 'user id hashed (hmac-sha256)' : `user id ${userKept ? 'kept' : 'not stored'}`];
  return { name: 'sanitized', ok: true, detail: what.join(', ') };
}

async function checkRetention(stack: Stack, client: ClickHouseClient): Promise<CheckResult> {
  try {
    const rs = await client.query({ query: `SHOW CREATE TABLE ${stack.clickhouse.database}.otel_logs`, format: 'TabSeparatedRaw' });
    const ddl = await rs.text();
    const ttl = /\bTTL\b([^\n]*)/.exec(ddl);
    if (!ttl) return { name: 'retention', ok: false, detail: 'otel_logs has no TTL', hint: 'set retention in the stack file and recreate the table' };
    return { name: 'retention', ok: true, detail: `otel_logs TTL${ttl[1]!.trim() ? ` ${ttl[1]!.trim()}` : ''} (stack retention ${stack.retention})` };
  } catch (e) {
    return { name: 'retention', ok: false, detail: firstLine(e) };
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
}
