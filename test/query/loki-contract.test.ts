import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillLogql, templateQueries } from '../../cli/query/loki.js';
import { loadTemplate } from '../../cli/query/templates.js';
import { runCli, STACK_TRACE, type CliResult } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { startFakeLoki, type FakeLoki } from '../support/loki-contract.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';
import { ALICE } from './dataset.js';
import { claudeEvent, CLAUDE_SCOPE, command, CLI_SCOPE, logsBody, post } from './otlp.js';

/**
 * Contract tests of our side of the Loki backend. Loki itself is AGPL-licensed and never built or
 * run here: users bring their own, and `verify` proves the stack against it. What is tested here
 * is everything telemetry-stack sends to a Loki and how it reads the answers: the real Collector's
 * OTLP pushes (path, encoding, tenant and token headers, the resource attributes Loki turns into
 * labels, sanitized content) and the LogQL requests `usage top`, `query --logql` and `verify` make,
 * against a stand-in that records them and answers in Loki's documented response shapes.
 */
describe("Loki contract: what the Collector and the CLI send to a Loki of the user's", () => {
  const TOKEN = 'loki-token-0123456789abcdef';
  const TENANT = 'cli-telemetry';
  let loki: FakeLoki;
  let stack: TestStack;
  const env = () => ({ ...process.env, IT_LOKI_TOKEN: TOKEN });
  const cli = (args: string[], environment: NodeJS.ProcessEnv = env()): Promise<CliResult> => runCli([...args, '--file', stack.file], { cwd: stack.dir, env: environment });
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await cli([...args, '--json']);
    if (r.exitCode !== 0 || STACK_TRACE.test(r.stderr)) throw new Error(`${args.join(' ')} exited ${r.exitCode}:\n${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  const until = async (what: string, done: () => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) {
        const refused = loki.requests.filter((r) => r.method === 'POST').length;
        throw new Error(`not within ${timeoutMs} ms: ${what} (${refused} pushes received, ${loki.entries.length} entries; answers: ${loki.refusals.join(' | ')})`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    await testCollectorBinary();
    loki = await startFakeLoki({ retentionPeriod: '744h' });
    stack = await writeTestStack('', 'loki');
    const text = readFileSync(stack.file, 'utf8').replace(/^loki: .*$/m, `loki: {url: '${loki.url}', tenant: ${TENANT}, bearerTokenEnv: IT_LOKI_TOKEN}`);
    writeFileSync(stack.file, text);
    const up = await cli(['up']);
    if (up.exitCode !== 0) throw new Error(`up failed:\n${up.stderr}`);
  }, 600_000);

  afterAll(async () => {
    if (stack) await cli(['down']);
    await loki?.close();
  });

  it("up starts only the Collector and says the Loki is the user's; status shows it answering", async () => {
    const status = await json<{ components: { component: string; state: string; detail?: string }[] }>(['status']);
    expect(status.components.map((c) => [c.component, c.state])).toEqual([
      ['loki', 'running'],
      ['collector', 'running'],
    ]);
    expect(status.components[0]!.detail).toBe(`yours: Loki at ${loki.url}`);
  });

  it('the Collector pushes OTLP protobuf to <url>/otlp/v1/logs with the tenant and token, service.name on the resource, content sanitized', async () => {
    const now = Date.now();
    const secret = 'sk-ant-api03-' + 'A1b2C3d4E5f6G7h8'.repeat(5) + 'AA';
    await post(
      stack.ports.http,
      '/v1/logs',
      logsBody([
        {
          resource: { 'service.name': 'tinycli', 'service.version': '1.2.0', 'cli.fingerprint': 'fp-a' },
          scope: CLI_SCOPE,
          records: [command(now - 1000, 'deploy', 0), command(now - 500, 'login', 1)],
        },
        {
          resource: { 'service.name': 'claude-code' },
          scope: CLAUDE_SCOPE,
          records: [
            claudeEvent(now - 200, 'api_error', { 'user.id': ALICE.id, 'user.email': ALICE.email, 'session.id': 's1', model: 'claude-sonnet-4-5', error: `401 for key ${secret}`, status_code: 401 }),
          ],
        },
      ]),
    );
    await until('three records pushed', () => loki.entries.length >= 3);

    const pushes = loki.requests.filter((r) => r.method === 'POST');
    expect(pushes.length).toBeGreaterThan(0);
    for (const p of pushes) {
      expect(p.path).toBe('/otlp/v1/logs');
      expect(p.headers['content-type']).toBe('application/x-protobuf');
      expect(p.headers['x-scope-orgid']).toBe(TENANT);
      expect(p.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    }
    const services = loki.pushes.flatMap((l) => l.resourceLogs.map((rl) => rl.resource['service.name']));
    expect(new Set(services)).toEqual(new Set(['tinycli', 'claude-code']));

    const stored = JSON.stringify(loki.entries.map((e) => [e.labels, e.line]));
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(ALICE.email);
    expect(stored).not.toContain(ALICE.id);
    const error = loki.entries.find((e) => e.labels['event_name'] === 'api_error');
    expect(error?.labels['service_name']).toBe('claude-code');
    expect(error?.labels['user_id']).toMatch(/^[0-9a-f]{64}$/);
    const verbs = loki.entries.filter((e) => e.labels['service_name'] === 'tinycli').map((e) => e.labels['cli_verb']);
    expect(verbs.sort()).toEqual(['deploy', 'login']);
  });

  it("usage top sends the template's three instant queries with the tenant and token, and joins the answers", async () => {
    const seen: string[] = [];
    loki.answerInstant((query) => {
      seen.push(query);
      if (!query.includes('event_name="cli.command"')) return undefined;
      if (query.includes('cli_exit_code!="0"')) return [{ metric: { service_name: 'tinycli', cli_verb: 'deploy' }, value: 2 }];
      if (query.startsWith('count by'))
        return [
          { metric: { service_name: 'tinycli', cli_verb: 'deploy' }, value: 3 },
          { metric: { service_name: 'tinycli', cli_verb: 'status' }, value: 3 },
        ];
      return [
        { metric: { service_name: 'tinycli', cli_verb: 'deploy' }, value: 6 },
        { metric: { service_name: 'tinycli', cli_verb: 'status' }, value: 4 },
        { metric: { service_name: 'othercli', cli_verb: 'deploy' }, value: 1 },
      ];
    });
    const before = loki.requests.length;
    const top = await json<{ backend: string; template: string; rows: Record<string, unknown>[] }>(['usage', 'top', '--since', '7d']);
    expect([top.backend, top.template]).toEqual(['loki', 'usage-top']);
    expect(top.rows).toEqual([
      { service: 'tinycli', verb: 'deploy', events: 6, users: 3, failures: 2, failure_rate: 0.3333 },
      { service: 'tinycli', verb: 'status', events: 4, users: 3, failures: 0, failure_rate: 0 },
      { service: 'othercli', verb: 'deploy', events: 1, users: 0, failures: 0, failure_rate: 0 },
    ]);

    // Readiness first (a hung Loki is named in seconds), then the three queries.
    const [ready, ...requests] = loki.requests.slice(before);
    expect([ready!.method, ready!.path]).toEqual(['GET', '/ready']);
    expect(requests.map((r) => [r.method, r.path])).toEqual(Array(3).fill(['GET', '/loki/api/v1/query']));
    for (const r of requests) {
      expect(r.headers['x-scope-orgid']).toBe(TENANT);
      expect(r.headers['authorization']).toBe(`Bearer ${TOKEN}`);
      // Evaluated once at the end of the range, a nanosecond before now at the latest.
      const time = Number(BigInt(r.params.get('time')!) / 1_000_000n);
      expect(Math.abs(time - Date.now())).toBeLessThan(60_000);
    }
    // The queries are the template's, filled with the whole range and every service.
    const range = { since: new Date(0), until: new Date(7 * 86_400_000) };
    const expected = [...templateQueries(loadTemplate('loki', 'usage-top')).values()].map((q) => fillLogql(q, { service: '', range }));
    expect(seen.map((q) => q.replace(/\[\d+s\]/g, '[604800s]'))).toEqual(expected);
  });

  it('query --logql reads lines with query_range (start, inclusive end, limit, backward), labels and structured metadata as columns', async () => {
    const before = loki.requests.length;
    const lines = await json<{ rows: Record<string, string>[] }>(['query', '--logql', '{service_name="tinycli"} |= ""', '--since', '1h']);
    expect(lines.rows.map((r) => r['cli_verb']).sort()).toEqual(['deploy', 'login']);
    const [r] = loki.requests.slice(before).filter((x) => x.path !== '/ready');
    expect(r!.path).toBe('/loki/api/v1/query_range');
    expect([r!.params.get('direction'), r!.params.get('limit')]).toEqual(['backward', '100']);
    expect(BigInt(r!.params.get('end')!) - BigInt(r!.params.get('start')!)).toBe(3_600_000_000_000n - 1n);
  });

  it("a query Loki refuses: one line with Loki's own reason, exit 1", async () => {
    const bad = await cli(['query', '--logql', 'sum(']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^telemetry-stack: Loki at ${loki.url.replace(/\./g, '\\.')} refused the query \\(HTTP 400\\): parse error`));
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it("verify sends a canary through the Collector and finds it in the Loki, sanitized, with the Loki's retention", async () => {
    const verify = await cli(['verify', '--json']);
    const report = JSON.parse(verify.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verify.exitCode).toBe(0);
    expect(report.checks.find((c) => c.name === 'retention')?.detail).toContain('retention_period 744h');
    const canaryQuery = loki.requests.find((r) => r.path === '/loki/api/v1/query_range' && (r.params.get('query') ?? '').includes('|= "'));
    expect(canaryQuery?.headers['x-scope-orgid']).toBe(TENANT);
  });

  it('the token variable unset: one line naming it, nothing sent', async () => {
    const { IT_LOKI_TOKEN: _, ...without } = env();
    const before = loki.requests.length;
    const r = await cli(['usage', 'top'], without);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe('telemetry-stack: $IT_LOKI_TOKEN is not set; loki.bearerTokenEnv names it as the token your Loki expects');
    expect(loki.requests.length).toBe(before);
  });

  it('what LogQL cannot answer here says so in one line', async () => {
    for (const [args, message] of [
      [['query', 'cost'], /cost: not available on backend loki/],
      [['query', '--sql', 'SELECT 1'], /--sql needs backend embedded or clickhouse/],
      [['usage', 'top', '--raw'], /--raw does not apply here/],
      [['cleanup', '--older-than', '30d'], /backend loki deletes old data itself/],
      [['purge', '--user', 'someone@example.com'], /purge: backend loki is not supported/],
      [['report', 'month', '2025-01'], /report month: needs backend embedded or clickhouse/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
  });
});

describe('Loki the user has not said where: one line naming what to set', () => {
  it('runtime process without loki.url: validate names loki.url', async () => {
    const stack = await writeTestStack('', 'loki');
    writeFileSync(stack.file, readFileSync(stack.file, 'utf8').replace(/^loki: .*$/m, ''));
    const r = await runCli(['validate', '--file', stack.file], { cwd: stack.dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/loki\.url: runtime process starts no Loki: set loki\.url to your Loki/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('loki.url where nothing answers: up says which key to check and leaves nothing running', async () => {
    await testCollectorBinary();
    const closed = await startFakeLoki();
    const url = closed.url;
    await closed.close();
    const stack = await writeTestStack('', 'loki');
    writeFileSync(stack.file, readFileSync(stack.file, 'utf8').replace(/^loki: .*$/m, `loki: {url: '${url}'}`));
    const r = await runCli(['up', '--file', stack.file], { cwd: stack.dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^telemetry-stack: Loki at ${url.replace(/\./g, '\\.')} /ready: not ready after \\d+ s: connection refused; check loki\\.url in the stack file`, 'm'));
    expect(r.stderr).not.toMatch(STACK_TRACE);
    const status = JSON.parse((await runCli(['status', '--json', '--file', stack.file], { cwd: stack.dir })).stdout) as { components: { component: string; state: string }[] };
    expect(status.components.find((c) => c.component === 'collector')?.state).toBe('stopped');
  }, 120_000);
});
