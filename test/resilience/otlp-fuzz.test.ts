import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { int, JSON_ERROR_FALLBACK_BODY, otlpCases, pick, randomBytes, rng, validLogsProto, type FuzzCase } from './fuzz.js';
import { grpcCall, GRPC_STATUS, ProtoWriter } from './otlp-wire.js';
import { readRunRecord, runs, stackUpForSuite, type RunningStack } from './support.js';

const SEED = Number(process.env['TELEMETRY_STACK_FUZZ_SEED'] ?? 20261122);
const HTTP_CASES = Number(process.env['TELEMETRY_STACK_FUZZ_CASES'] ?? 10_000);
const GRPC_CASES = 600;
/**
 * Nesting depth of fuzzed bodies. Deeper is valid OTLP but costs the sanitize chain quadratic
 * memory (flatten and the redaction processor build every key path): 20,000 levels took 0.8 GiB
 * in each of three processors, 100,000 levels took 15 GiB. See docs/resilience.md.
 */
const MAX_DEPTH = 1000;
const HEALTH_EVERY = 250;
const CONCURRENCY = 4;

interface Tally {
  cases: number;
  statuses: Map<string, number>;
}

describe('fuzzed OTLP against a running Collector (the rendered config, real stack)', () => {
  let stack: RunningStack;
  stackUpForSuite((s) => (stack = s));

  it(`answers ${HTTP_CASES} fuzzed OTLP/HTTP requests with 4xx or a documented status and never goes down`, { timeout: 400_000 }, async () => {
    const collector = readRunRecord(stack.dataDir, 'collector');
    const byCategory = new Map<string, Tally>();
    const violations: string[] = [];
    let crashes = 0;
    let healthChecks = 0;
    let done = 0;
    const started = Date.now();

    const checkHealth = async () => {
      healthChecks++;
      const alive = runs(collector.pid, collector.command);
      let ok = false;
      try {
        ok = (await fetch(`http://127.0.0.1:${stack.ports.health}/`, { signal: AbortSignal.timeout(5000) })).status === 200;
      } catch {
        ok = false;
      }
      if (!alive || !ok) crashes++;
    };

    const send = async (c: FuzzCase): Promise<string> => {
      try {
        const res = await fetch(`http://127.0.0.1:${stack.ports.http}${c.path}`, {
          method: c.method,
          headers: c.headers,
          ...(c.body ? { body: c.body } : {}),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await res.text();
        // 500 is documented only as the receiver's fixed fallback; any other 500 is a finding.
        if (res.status === 500 && text !== JSON_ERROR_FALLBACK_BODY) return `500 other: ${text.slice(0, 80)}`;
        return String(res.status);
      } catch (e) {
        return `error:${(e as Error).cause ? String((e as { cause: { code?: string } }).cause.code) : (e as Error).name}`;
      }
    };

    const cases = otlpCases(SEED, HTTP_CASES, MAX_DEPTH);
    const worker = async () => {
      for (;;) {
        const next = cases.next();
        if (next.done) return;
        const c = next.value;
        const status = await send(c);
        const t = byCategory.get(c.category) ?? { cases: 0, statuses: new Map<string, number>() };
        t.cases++;
        t.statuses.set(status, (t.statuses.get(status) ?? 0) + 1);
        byCategory.set(c.category, t);
        if (!c.allowed.map(String).includes(status) && violations.length < 20) {
          violations.push(`${c.category}: HTTP ${status}, allowed ${c.allowed.join('/')}; body starts ${c.body?.subarray(0, 60).toString('hex') ?? '(none)'}`);
        }
        done++;
        if (done % HEALTH_EVERY === 0) await checkHealth();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await checkHealth();

    const lines = [...byCategory.entries()].sort().map(([cat, t]) => `  ${cat}: ${t.cases} -> ${JSON.stringify(Object.fromEntries(t.statuses))}`);
    const total = [...byCategory.values()].reduce((n, t) => n + t.cases, 0);
    const log = readFileSync(join(stack.dataDir, 'logs', 'collector.log'), 'utf8');
    console.log(
      `[otlp fuzz http] seed ${SEED}: ${total} cases in ${((Date.now() - started) / 1000).toFixed(0)} s, ${healthChecks} health checks, crashes ${crashes}, ` +
        `status outside the allowed set ${violations.length}, panics in the Collector log ${countMatches(log, /panic/g)}\n${lines.join('\n')}`,
    );
    expect(total).toBe(HTTP_CASES);
    expect(violations).toEqual([]);
    expect(crashes).toBe(0);
    expect(log).not.toMatch(/panic/);
    expect(runs(collector.pid, collector.command)).toBe(true);
  });

  it(`answers ${GRPC_CASES} malformed OTLP/gRPC calls with a non-OK status and stays up`, { timeout: 180_000 }, async () => {
    const collector = readRunRecord(stack.dataDir, 'collector');
    const r = rng(SEED + 1);
    const byCategory = new Map<string, Map<string, number>>();
    const violations: string[] = [];
    const authority = `http://127.0.0.1:${stack.ports.grpc}`;
    const tooBig = new ProtoWriter().bytes(1, Buffer.alloc(5 * 1024 * 1024, 0x61)).finish();

    for (let i = 0; i < GRPC_CASES; i++) {
      const kind = int(r, 0, 4);
      let category: string;
      let outcome: string;
      let mustFail = true;
      try {
        let answer: Awaited<ReturnType<typeof grpcCall>>;
        if (kind === 0) {
          category = 'bad-wire-type message';
          answer = await grpcCall(authority, Buffer.concat([Buffer.from([(int(r, 1, 15) << 3) | pick(r, [6, 7])]), randomBytes(r, int(r, 0, 40))]));
        } else if (kind === 1) {
          category = 'mutated message';
          mustFail = false;
          const b = validLogsProto(r);
          for (let k = 0; k < 4; k++) b[int(r, 0, b.length - 1)] = int(r, 0, 255);
          answer = await grpcCall(authority, b);
        } else if (kind === 2) {
          category = 'frame shorter than its length prefix';
          const msg = validLogsProto(r);
          const header = Buffer.alloc(5);
          header.writeUInt32BE(msg.length + int(r, 1, 1000), 1);
          answer = await grpcCall(authority, Buffer.concat([header, msg]), { frame: false });
        } else if (kind === 3) {
          category = 'compressed flag without grpc-encoding';
          const msg = validLogsProto(r);
          const header = Buffer.alloc(5);
          header.writeUInt8(1, 0);
          header.writeUInt32BE(msg.length, 1);
          answer = await grpcCall(authority, Buffer.concat([header, msg]), { frame: false });
        } else {
          category = 'message over the 4 MiB limit';
          answer = await grpcCall(authority, i % 20 === 0 ? tooBig : randomBytes(r, 10), i % 20 === 0 ? {} : { frame: false });
          if (i % 20 !== 0) category = 'bytes without a frame';
        }
        outcome = String(answer.status);
      } catch (e) {
        category ??= 'unknown';
        outcome = `error:${(e as Error).message.slice(0, 40)}`;
      }
      const m = byCategory.get(category) ?? new Map<string, number>();
      m.set(outcome, (m.get(outcome) ?? 0) + 1);
      byCategory.set(category, m);
      if (mustFail && (outcome === String(GRPC_STATUS.OK) || outcome.startsWith('error')) && violations.length < 20) {
        violations.push(`${category}: ${outcome}`);
      }
    }
    const health = await fetch(`http://127.0.0.1:${stack.ports.health}/`, { signal: AbortSignal.timeout(5000) });
    const lines = [...byCategory.entries()].sort().map(([cat, m]) => `  ${cat}: ${JSON.stringify(Object.fromEntries(m))}`);
    console.log(`[otlp fuzz grpc] seed ${SEED + 1}: ${GRPC_CASES} calls, health ${health.status}, violations ${violations.length} (grpc-status counts)\n${lines.join('\n')}`);
    expect(violations).toEqual([]);
    expect(health.status).toBe(200);
    expect(runs(collector.pid, collector.command)).toBe(true);
  });
});

function countMatches(text: string, re: RegExp): number {
  return (text.match(re) ?? []).length;
}
