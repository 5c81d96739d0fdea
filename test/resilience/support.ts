import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';
import { stopSupervisor } from '../../cli/runtime/process/supervisor.js';

/**
 * Shared pieces of the resilience scenarios: a real stack on the process runtime, sequenced events
 * whose every acknowledgement is counted, and exact accounting of what storage holds.
 */

export interface RunningStack extends TestStack {
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  up(env?: NodeJS.ProcessEnv): Promise<{ started: string[]; alreadyRunning: string[]; raw: CliResult }>;
  down(): Promise<CliResult>;
  password(): string;
  query(sql: string): Promise<string>;
}

/**
 * A stack file from writeTestStack (free loopback ports, data inside a temp dir); `receivers`
 * lines (two-space indented) go into its receivers block, `extra` after it.
 */
export async function startStack(extra = '', env: NodeJS.ProcessEnv = process.env, receivers = ''): Promise<RunningStack> {
  await testCollectorBinary();
  const base = await writeTestStack(extra);
  if (receivers) writeFileSync(base.file, readFileSync(base.file, 'utf8').replace(/^receivers:\n/m, `receivers:\n${receivers.replace(/\n?$/, '\n')}`));
  const stack: RunningStack = {
    ...base,
    cli: (args, e = env) => runCli([...args, '--file', base.file], { cwd: base.dir, env: e }),
    async up(e = env) {
      const raw = await stack.cli(['up', '--json'], e);
      if (raw.exitCode !== 0) throw new Error(`up failed (exit ${raw.exitCode}):\n${raw.stderr}`);
      const parsed = JSON.parse(raw.stdout) as { started: string[]; alreadyRunning: string[] };
      return { started: parsed.started, alreadyRunning: parsed.alreadyRunning, raw };
    },
    down: () => stack.cli(['down']),
    password: () => readFileSync(join(base.dataDir, 'secrets', 'clickhouse-password'), 'utf8').trim(),
    query: (sql) => queryClickHouse(base.ports.storage, stack.password(), sql),
  };
  return stack;
}

/**
 * For a describe block: a stack from startStack (same arguments), up before its tests and down
 * after them; `use` receives it once it is up.
 */
export function stackUpForSuite(use: (stack: RunningStack) => void, ...args: Parameters<typeof startStack>): void {
  let stack: RunningStack | undefined;
  beforeAll(async () => {
    stack = await startStack(...args);
    await stack.up();
    use(stack);
  });
  afterAll(async () => {
    if (stack) await stack.down();
  });
}

/** SQL to a ClickHouse on loopback; the stack's embedded engine knows `telemetry_writer`, a server of the user's its own user. */
export async function queryClickHouse(port: number, password: string, sql: string, user = 'telemetry_writer'): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    body: sql,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** Polls `probe` until it returns a value `done` accepts, or the deadline passes; returns the last value. */
export async function waitUntil<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, intervalMs = 500): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let value = await probe();
  while (!done(value) && Date.now() - started < timeoutMs) {
    await sleep(intervalMs);
    value = await probe();
  }
  return { value, ms: Date.now() - started };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- processes --------------------------------------------------------------------------------

interface Record_ {
  pid: number;
  command: string;
}

export function readRunRecord(dataDir: string, component: string): Record_ {
  return JSON.parse(readFileSync(join(dataDir, 'run', `${component}.json`), 'utf8')) as Record_;
}

/** A pid counts as running only while it still runs the recorded command (a zombie has no cmdline). */
export function runs(pid: number, command: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(command);
  } catch {
    return false;
  }
}

/**
 * Signals a stack component by the pid in its run record and waits (bounded) for it to be gone.
 * The supervisor is stopped first: these tests hold a part down until `up` (an outage that lasts),
 * and test/resilience/supervision.test.ts is where a part comes back by itself.
 */
export async function signalComponent(dataDir: string, component: string, signal: NodeJS.Signals, timeoutMs = 40_000): Promise<number> {
  await stopSupervisor(dataDir);
  const record = readRunRecord(dataDir, component);
  if (!runs(record.pid, record.command)) throw new Error(`${component} (pid ${record.pid}) is not running`);
  process.kill(record.pid, signal);
  const { value: alive } = await waitUntil(
    async () => runs(record.pid, record.command),
    (a) => !a,
    timeoutMs,
    100,
  );
  if (alive) throw new Error(`${component} (pid ${record.pid}) still runs ${timeoutMs} ms after ${signal}`);
  return record.pid;
}

// ---- sequenced events -------------------------------------------------------------------------

/**
 * Sequence numbers travel as letters (a-p per hex digit): the sanitize chain masks long digit runs
 * and high-entropy tokens, and a body it rewrote could not be counted.
 */
export function encodeSeq(n: number): string {
  return n
    .toString(16)
    .split('')
    .map((d) => String.fromCharCode(97 + parseInt(d, 16)))
    .join('');
}

export function decodeSeq(s: string): number {
  return parseInt(
    s
      .split('')
      .map((c) => (c.charCodeAt(0) - 97).toString(16))
      .join(''),
    16,
  );
}

export const bodyOf = (tag: string, seq: number) => `${tag} ev ${encodeSeq(seq)}`;

export function logsPayload(tag: string, from: number, n: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const logRecords = Array.from({ length: n }, (_, i) => ({
    timeUnixNano: String(now + BigInt(i)),
    body: { stringValue: bodyOf(tag, from + i) },
    attributes: [
      { key: 'event.name', value: { stringValue: 'cli.command' } },
      { key: 'cli.verb', value: { stringValue: `verb${(from + i) % 7}` } },
      { key: 'cli.exit_code', value: { intValue: '0' } },
    ],
  }));
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'resilience-cli' } }] },
        scopeLogs: [{ scope: { name: 'telemetry-stack/client' }, logRecords }],
      },
    ],
  });
}

export interface SendTally {
  sent: number;
  acknowledged: number;
  /** Sequence numbers of every record in a batch the receiver answered 200. */
  acked: Set<number>;
  statuses: Map<string, number>;
}

/**
 * Sends `total` sequenced records in batches over OTLP/HTTP JSON. A record counts as acknowledged
 * only when its batch got HTTP 200. A batch answered with a retryable status (429/503) is offered
 * again after a pause, as an OTLP exporter would; a timeout or reset is never resent, since the
 * receiver may have taken it and a resend would be a duplicate of the sender's making.
 */
export async function sendSequenced(httpPort: number, tag: string, total: number, options: { batch?: number; spreadMs?: number; retries?: number; host?: string } = {}): Promise<SendTally> {
  const batch = options.batch ?? 500;
  const batches = Math.ceil(total / batch);
  const gap = options.spreadMs ? options.spreadMs / batches : 0;
  const tally: SendTally = { sent: 0, acknowledged: 0, acked: new Set(), statuses: new Map() };
  const url = `http://${options.host ?? '127.0.0.1'}:${httpPort}/v1/logs`;
  const started = Date.now();
  for (let b = 0; b < batches; b++) {
    const from = b * batch;
    const n = Math.min(batch, total - from);
    const body = logsPayload(tag, from, n);
    tally.sent += n;
    for (let attempt = 0; attempt <= (options.retries ?? 5); attempt++) {
      let status: string;
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(20_000) });
        await res.arrayBuffer();
        status = String(res.status);
      } catch (e) {
        status = `error:${(e as Error).name}`;
      }
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      if (status === '200') {
        tally.acknowledged += n;
        for (let i = 0; i < n; i++) tally.acked.add(from + i);
      }
      if (status !== '429' && status !== '503') break;
      await sleep(1000);
    }
    const due = started + gap * (b + 1);
    if (due > Date.now()) await sleep(due - Date.now());
  }
  return tally;
}

export interface StoredTally {
  rows: number;
  distinct: number;
  duplicated: number;
  /** Acknowledged sequence numbers with no row. */
  lost: number;
}

export async function storedTally(stack: RunningStack, tag: string, acked: ReadonlySet<number>): Promise<StoredTally> {
  const text = await stack.query(`SELECT Body FROM ${'telemetry'}.otel_logs WHERE startsWith(Body, '${tag} ev ') FORMAT TabSeparated`);
  const seqs = text
    .split('\n')
    .filter(Boolean)
    .map((line) => decodeSeq(line.slice(tag.length + 4)));
  const distinct = new Set(seqs);
  let lost = 0;
  for (const s of acked) if (!distinct.has(s)) lost++;
  return { rows: seqs.length, distinct: distinct.size, duplicated: seqs.length - distinct.size, lost };
}

/** Cross-check of `duplicated` in the engine itself, as an operator would ask it. */
export async function duplicatesBySql(stack: RunningStack, tag: string): Promise<number> {
  const text = await stack.query(`SELECT count() - uniqExact(Body) FROM telemetry.otel_logs WHERE startsWith(Body, '${tag} ev ') FORMAT TabSeparated`);
  return Number(text.trim());
}

export function tag(prefix: string): string {
  // Letters only, short: nothing in it looks like a number, a secret or PII to the sanitize chain.
  return `${prefix}${encodeSeq(Date.now() % 0xfffff)}`;
}
