import { existsSync, readFileSync } from 'node:fs';
import { lintCollectorConfig } from '../lint/lint.js';
import { readCollectorMetrics } from '../runtime/collector-metrics.js';
import { loadOrCreateSecrets } from '../home/secrets.js';
import { homeOf } from '../home/layout.js';
import type { Stack } from '../stack/resolve.js';
import { canaryLogs, canaryMetrics, expectedUserHash, makeCanary, type Canary } from './canary.js';
import { clickhouseProbe } from './clickhouse-probe.js';
import { postToReceiver, receiverBaseUrl } from './deep-http.js';
import { lokiProbe } from './loki-probe.js';
import { diskProblem, diskSpace, formatBytes, minFreeBytes } from '../home/disk-space.js';
import { storageHealth, storagePartName } from '../storage/health.js';
import { storageEndpoint } from '../stack/storage-endpoint.js';
import type { StorageProbe, StoredCanary } from './storage-probe.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed, or about a warning. */
  hint?: string;
  /** Passed, but something deserves a look (printed with `!`; verify still exits 0). */
  warn?: boolean;
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
    progress(`${!c.ok ? '✗' : c.warn ? '!' : '✓'} ${c.name}: ${c.detail}${c.warn && c.hint ? ` (${c.hint})` : ''}`);
  };
  const secrets = loadOrCreateSecrets(stack, env, { create: false });
  const runEnv = { ...env, ...secrets.env };

  add(checkConfig(stack, runEnv));
  add(checkDisk(stack));
  add(await checkCollectorHealth(stack));
  const dropped = await checkDropped(stack);
  if (dropped) add(dropped);

  // A storage that does not answer its health check within seconds is named now: every check
  // below would otherwise wait out its own timeout on it.
  const health = await storageHealth(stack);
  if (!health.ok) {
    add({
      name: 'storage',
      ok: false,
      detail: `${storagePartName(stack)}: ${health.reason}`,
      hint: storageEndpoint(stack).external ? 'check that server' : 'see telemetry-stack status; restart with telemetry-stack down && telemetry-stack up',
    });
    return { ok: false, checks };
  }
  const probe: StorageProbe = stack.backend === 'loki' ? lokiProbe(stack, runEnv) : clickhouseProbe(stack, secrets.readerPassword ?? secrets.env[stack.clickhouse.passwordEnv]!);
  try {
    const storage = await probe.check();
    add({ name: 'storage', ...storage });
    const canary = makeCanary(stack);
    const sent = await sendCanary(stack, canary, runEnv, probe.signals);
    add(sent);
    let latencyMs: number | undefined;
    if (sent.ok && storage.ok) {
      const arrived = await pollCanary(probe, canary);
      add(arrived.check);
      latencyMs = arrived.latencyMs;
      if (arrived.log) add(checkSanitized(stack, canary, arrived.log, runEnv, probe.userIdKey));
      else add({ name: 'sanitized', ok: false, detail: 'canary not stored, nothing to inspect', hint: 'fix the check above first' });
    }
    add({ name: 'retention', ...(await probe.retention()) });
    if (latencyMs !== undefined) add({ name: 'latency', ok: true, detail: `canary visible in storage ${latencyMs} ms after it was sent` });
    return { ok: checks.every((c) => c.ok), checks, ...(latencyMs !== undefined ? { latencyMs } : {}) };
  } finally {
    await probe.close();
  }
}

function checkConfig(stack: Stack, env: NodeJS.ProcessEnv): CheckResult {
  const file = homeOf(stack.dataDir).collectorConfigFile;
  if (!existsSync(file)) return { name: 'config', ok: false, detail: `${file} missing`, hint: 'run telemetry-stack up' };
  const findings = lintCollectorConfig(file, readFileSync(file, 'utf8'), { env });
  if (findings.length > 0) {
    const f = findings[0]!;
    return { name: 'config', ok: false, detail: `${findings.length} lint finding(s), first: ${f.file}:${f.line}: ${f.message}`, hint: 'run telemetry-stack lint on the file' };
  }
  return { name: 'config', ok: true, detail: 'stack file valid, rendered Collector config lints clean' };
}

function checkDisk(stack: Stack): CheckResult {
  const full = diskProblem(stack.dataDir, minFreeBytes(stack));
  if (full) return { name: 'disk', ok: false, detail: full, hint: 'the persistent queue and storage stop when the disk fills' };
  const d = diskSpace(stack.dataDir);
  return { name: 'disk', ok: true, detail: `${formatBytes(d.freeBytes)} free of ${formatBytes(d.totalBytes)} at ${d.path}` };
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

/**
 * Records dropped because no enabled profile takes them are silent loss from a person's point of
 * view: a client sends, gets 200, and nothing is stored. Named here by service and scope.
 */
async function checkDropped(stack: Stack): Promise<CheckResult | undefined> {
  try {
    const m = await readCollectorMetrics(stack.collector.metricsPort);
    // The stock chain's filter drops without counting by source: nothing to name there.
    if (!m.sanitize && stack.privacy.engine === 'stock') return undefined;
    const dropped = m.sanitize?.droppedBySource ?? [];
    if (dropped.length === 0) return { name: 'dropped', ok: true, detail: 'no record dropped for want of an enabled profile since the Collector started' };
    const total = dropped.reduce((a, d) => a + d.records, 0);
    const top = dropped
      .slice(0, 3)
      .map((d) => `service ${d.service || '(none)'} scope ${d.scope || '(none)'}: ${d.records}`)
      .join('; ');
    return {
      name: 'dropped',
      ok: true,
      warn: true,
      detail: `${total} records dropped since the Collector started, of no enabled profile (${top}${dropped.length > 3 ? '; ...' : ''})`,
      hint: 'add the profile that source needs to profiles:, or send the documented record shape',
    };
  } catch {
    // The collector check above already says the Collector does not answer.
    return undefined;
  }
}

async function sendCanary(stack: Stack, canary: Canary, env: NodeJS.ProcessEnv, signals: readonly ('logs' | 'metrics')[]): Promise<CheckResult> {
  const r = stack.receivers;
  if (!r.http.enabled) return { name: 'canary sent', ok: false, detail: 'the OTLP/HTTP receiver is disabled', hint: 'enable receivers.http for verify' };
  const base = receiverBaseUrl(stack);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (r.auth) headers['authorization'] = `Bearer ${env[r.auth.bearerTokenEnv] ?? ''}`;
  canary.sentAtMs = Date.now();
  const payloads: [string, unknown][] = [['/v1/logs', canaryLogs(canary)]];
  if (signals.includes('metrics')) payloads.push(['/v1/metrics', canaryMetrics(canary)]);
  try {
    for (const [path, body] of payloads) {
      // node:https under the hood, so a generated CA can be trusted (fetch cannot be given one).
      const res = await postToReceiver(stack, path, JSON.stringify(body), { headers, timeoutMs: 5000 });
      if (res.status < 200 || res.status > 299) return { name: 'canary sent', ok: false, detail: `${path}: HTTP ${res.status} ${res.body.slice(0, 200)}`, hint: 'see telemetry-stack logs collector' };
    }
    return { name: 'canary sent', ok: true, detail: `${signals.join(' and ')} ${canary.id} accepted by ${base}` };
  } catch (e) {
    return { name: 'canary sent', ok: false, detail: `${base}: ${(e as Error).message.split('\n')[0]}`, hint: 'is the stack up? telemetry-stack status' };
  }
}

async function pollCanary(probe: StorageProbe, canary: Canary): Promise<{ check: CheckResult; log?: StoredCanary; latencyMs?: number }> {
  const wantMetric = probe.signals.includes('metrics');
  const deadline = Date.now() + POLL_TIMEOUT_MS;
  let log: StoredCanary | undefined;
  let metric = false;
  let arrivedAt = 0;
  while (Date.now() < deadline) {
    const found = await probe.findCanary(canary);
    if (!log && found.log) {
      log = found.log;
      arrivedAt = Date.now();
    }
    metric ||= found.metric;
    if (log && (metric || !wantMetric)) {
      return { check: { name: 'canary stored', ok: true, detail: `${probe.signals.join(' and ')} ${canary.id} found in storage` }, log, latencyMs: arrivedAt - canary.sentAtMs };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const missing = [log ? '' : 'log', metric || !wantMetric ? '' : 'metric'].filter(Boolean).join(' and ');
  return {
    check: {
      name: 'canary stored',
      ok: false,
      detail: `${missing} ${canary.id} not in storage after ${POLL_TIMEOUT_MS / 1000} s`,
      hint: 'check telemetry-stack status (send failures) and logs collector',
    },
    ...(log ? { log, latencyMs: arrivedAt - canary.sentAtMs } : {}),
  };
}

function checkSanitized(stack: Stack, canary: Canary, stored: StoredCanary, env: NodeJS.ProcessEnv, userIdKey: string): CheckResult {
  const problems: string[] = [];
  if (stored.raw.includes(canary.secret)) problems.push('the planted secret arrived in clear');
  if (stored.raw.includes(canary.email)) problems.push('the planted email arrived in clear');
  if (stored.raw.includes(canary.userId)) problems.push('the raw user id arrived');
  // The processor's labelled masks name what they replaced: their presence shows it did the masking.
  const labelled = stack.privacy.engine === 'processor' && stack.privacy.masks === 'labelled';
  if (labelled && !stored.raw.includes('<secret:')) problems.push('no <secret:…> mask: the sanitize processor did not mask the planted secret');
  const userId = stored.attributes[userIdKey];
  if (stack.privacy.userId.mode === 'hmac' && userId !== undefined) {
    const key = env[stack.privacy.userId.keyEnv] ?? '';
    if (userId !== expectedUserHash(key, canary.userId)) problems.push(`${userIdKey} is not the HMAC-SHA256 of the raw id`);
  }
  if (problems.length > 0)
    return {
      name: 'sanitized',
      ok: false,
      detail: problems.join('; '),
      hint: 'check the privacy section of the stack file and the rendered sanitize processor (or, with privacy.engine: stock, the redaction processors)',
    };
  const user = userId === undefined ? 'user id not stored (profile drops it)' : stack.privacy.userId.mode === 'hmac' ? 'user id hashed (hmac-sha256)' : 'user id kept';
  const by = stack.privacy.engine === 'processor' ? 'by the sanitize processor' : 'by the stock processor chain';
  return { name: 'sanitized', ok: true, detail: `secret masked, email masked, ${user} (${by})` };
}
