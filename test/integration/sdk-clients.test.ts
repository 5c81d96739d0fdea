import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheRoot } from '../../cli/collector/build.js';
import { startHarness, waitForCount, type Harness } from '../query/harness.js';
import { logsBody, post } from '../query/otlp.js';

const CLIENTS = join(import.meta.dirname, '..', 'sdk-clients');

/** A hash of a directory's files: the cached venv or binary is rebuilt when they change. */
function sourceHash(dir: string): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest('hex').slice(0, 12);
}

/** The official Python SDK from PyPI, in a venv cached outside the repository. */
async function pythonClient(): Promise<string[]> {
  const dir = join(CLIENTS, 'python');
  const venv = join(cacheRoot(), 'sdk-clients', `python-${sourceHash(dir)}`);
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python)) {
    mkdirSync(join(venv, '..'), { recursive: true });
    const made = await execa('python3', ['-m', 'venv', venv], { reject: false });
    if (made.exitCode !== 0) throw new Error(`python3 -m venv failed (install python3 and python3-venv): ${String(made.stderr).trim().split('\n').pop()}`);
    const pip = await execa(join(venv, 'bin', 'pip'), ['install', '-q', '-r', join(dir, 'requirements.txt')], { reject: false, timeout: 600_000 });
    if (pip.exitCode !== 0) throw new Error(`pip install of the OpenTelemetry Python SDK failed: ${String(pip.stderr).trim().split('\n').pop()}`);
  }
  return [python, join(dir, 'cli_events.py')];
}

/** The official Go SDK from the module proxy, built once per source hash. */
async function goClient(): Promise<string[]> {
  const dir = join(CLIENTS, 'go');
  const binary = join(cacheRoot(), 'sdk-clients', `go-${sourceHash(dir)}`, 'gocli');
  if (!existsSync(binary)) {
    const built = await execa('go', ['build', '-o', binary, '.'], { cwd: dir, reject: false, timeout: 600_000, env: { ...process.env, CGO_ENABLED: '0' } });
    if (built.exitCode !== 0) throw new Error(`go build of the Go SDK client failed: ${String(built.stderr).trim().split('\n').pop()}`);
  }
  return [binary];
}

/** What the clients send for `count` commands: verbs in turn, every fourth one failing. */
function expected(count: number): { verb: string; events: number; failures: number }[] {
  const verbs = ['build', 'test', 'deploy'];
  const rows = verbs.map((verb) => ({ verb, events: 0, failures: 0 }));
  for (let i = 0; i < count; i++) {
    rows[i % 3]!.events += 1;
    if (i % 4 === 0) rows[i % 3]!.failures += 1;
  }
  return rows.sort((a, b) => b.events - a.events || a.verb.localeCompare(b.verb));
}

/**
 * CLIs in other languages that follow the documented record shape with the official OpenTelemetry
 * SDKs (their own scope names, not the client library's) are counted exactly by `usage top`.
 */
describe('CLIs using the official OpenTelemetry SDKs of Python and Go, counted by usage top', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  }, 600_000);

  afterAll(async () => {
    await h?.down();
  });

  for (const [language, service, count, client] of [
    ['Python', 'pycli', 37, pythonClient],
    ['Go', 'gocli', 53, goClient],
  ] as const) {
    it(`${language}: ${count} commands sent, ${count} counted, verbs and failures exact`, async () => {
      const [command, ...args] = await client();
      const run = await execa(command!, [...args, `http://127.0.0.1:${h.stack.ports.http}`, service, String(count)], { reject: false, timeout: 120_000 });
      expect(run.exitCode, String(run.stderr)).toBe(0);
      const stored = await waitForCount(h, `SELECT count() AS n FROM telemetry.otel_logs WHERE ServiceName = '${service}'`, count);
      expect(stored).toBe(count);
      const top = await h.json<{ rows: { service: string; verb: string; events: number; failures: number }[] }>(['usage', 'top', '--since', '1h', '--service', service]);
      console.log(`${language} SDK client: sent ${count}, usage top counted ${top.rows.reduce((a, r) => a + r.events, 0)}`);
      expect(top.rows.map(({ verb, events, failures }) => ({ verb, events, failures }))).toEqual(expected(count));
    });
  }

  it('records of no enabled profile are dropped, and verify names their service and scope', async () => {
    const now = Date.now();
    const record = (i: number) => ({ timeMs: now + i, eventName: 'app.started', attrs: { 'event.name': 'app.started' } });
    await post(h.stack.ports.http, '/v1/logs', logsBody([{ resource: { 'service.name': 'mystery-app' }, scope: 'mystery/telemetry', records: [0, 1, 2].map(record) }]));
    const verify = await h.cli(['verify', '--json']);
    const report = JSON.parse(verify.stdout) as { checks: { name: string; ok: boolean; warn?: boolean; detail: string }[] };
    const dropped = report.checks.find((c) => c.name === 'dropped');
    console.log(`verify: ${dropped?.detail}`);
    expect(dropped?.warn).toBe(true);
    expect(dropped?.detail).toMatch(/service mystery-app scope mystery\/telemetry: 3\b/);
    expect(verify.exitCode).toBe(0);
  });
});
