import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, STACK_TRACE, type CliResult } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { startFakeLoki, type FakeLoki } from '../support/loki-contract.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';
import { CLI_SCOPE, command, logsBody, post } from '../query/otlp.js';
import { expandLoki } from './expand.js';

interface Target {
  refId: string;
  expr: string;
  instant: boolean;
  datasource: { type: string; uid: string };
}

/** Every label name a LogQL query reads: stream matchers, label filters and `by (...)` groupings. */
function labelsOf(logql: string): string[] {
  const names = new Set<string>();
  for (const m of logql.matchAll(/\{([^{}]*)\}/g)) {
    for (const matcher of m[1]!.split(',')) {
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/.exec(matcher)?.[1];
      if (name) names.add(name);
    }
  }
  for (const m of logql.matchAll(/\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=|>=|<=|>|<)/g)) names.add(m[1]!);
  for (const m of logql.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) for (const n of m[1]!.split(',')) if (n.trim()) names.add(n.trim());
  return [...names].sort();
}

/**
 * The Loki dashboard `generate --target grafana` writes, against what the real Collector pushes
 * to a Loki: every label its LogQL reads is one the pushed records carry (as Loki's OTLP ingestion
 * names them), and each query, with Grafana's range and the service variable at All, is the very
 * query `usage top` sends. Loki and Grafana are AGPL-licensed and never run here: a stand-in
 * records the pushes and queries (test/support/loki-contract.ts).
 */
describe("Grafana dashboards on backend loki: only labels the stack sets, the CLI's own queries", () => {
  let loki: FakeLoki;
  let stack: TestStack;
  let targets: Target[];
  let datasource: { uid: string; type: string; url: string };
  const cli = (args: string[]): Promise<CliResult> => runCli([...args, '--file', stack.file], { cwd: stack.dir });

  beforeAll(async () => {
    await testCollectorBinary();
    loki = await startFakeLoki();
    stack = await writeTestStack('', 'loki');
    writeFileSync(stack.file, readFileSync(stack.file, 'utf8').replace(/^loki: .*$/m, `loki: {url: '${loki.url}'}`));
    const up = await cli(['up']);
    if (up.exitCode !== 0) throw new Error(`up failed:\n${up.stderr}`);
    const now = Date.now();
    await post(
      stack.ports.http,
      '/v1/logs',
      logsBody([
        {
          resource: { 'service.name': 'tinycli', 'service.version': '1.2.0', 'cli.fingerprint': 'fp-a' },
          scope: CLI_SCOPE,
          records: [command(now - 2000, 'deploy', 0), command(now - 1000, 'login', 1)],
        },
      ]),
    );
    const deadline = Date.now() + 30_000;
    while (loki.entries.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(loki.entries.length).toBe(2);
    const out = mkdtempSync(join(tmpdir(), 'ts-grafana-loki-'));
    const generate = await cli(['generate', '--target', 'grafana', '--out', out]);
    expect(generate.exitCode, generate.stderr).toBe(0);
    const [file] = readdirSync(join(out, 'grafana', 'dashboards'));
    const dashboard = JSON.parse(readFileSync(join(out, 'grafana', 'dashboards', file!), 'utf8')) as { panels: { targets: Target[] }[] };
    targets = dashboard.panels.flatMap((p) => p.targets);
    datasource = (parse(readFileSync(join(out, 'grafana', 'provisioning', 'datasources', 'telemetry-stack.yaml'), 'utf8')) as { datasources: (typeof datasource)[] }).datasources[0]!;
  }, 600_000);

  afterAll(async () => {
    if (stack) await cli(['down']);
    await loki?.close();
  });

  it("the data source is the stack's Loki, and the usage panel runs the template's three instant queries on it", () => {
    expect(datasource).toMatchObject({ type: 'loki', url: loki.url });
    expect(targets.map((t) => t.refId)).toEqual(['events', 'failures', 'users']);
    for (const t of targets) {
      expect(t.instant).toBe(true);
      expect(t.datasource).toEqual({ type: 'loki', uid: datasource.uid });
    }
  });

  it("every label a panel reads is one the Collector's records carry in Loki", () => {
    const stored = new Set(loki.entries.flatMap((e) => Object.keys(e.labels)));
    const read = new Set(targets.flatMap((t) => labelsOf(expandLoki(t.expr, { fromMs: 0, toMs: 3_600_000, variables: { service: '.+' } }))));
    expect([...read].sort()).toEqual(['cli_exit_code', 'cli_fingerprint', 'cli_verb', 'event_name', 'service_name']);
    for (const label of read) expect(stored, `label ${label}`).toContain(label);
  });

  it('with the service variable at All, each query is what `usage top` sends for the same range', async () => {
    loki.answerInstant(() => []);
    const toMs = Math.floor(Date.now() / 1000) * 1000;
    const fromMs = toMs - 7 * 86_400_000;
    const before = loki.requests.length;
    const r = await cli(['usage', 'top', '--since', new Date(fromMs).toISOString(), '--until', new Date(toMs).toISOString(), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    const sent = loki.requests
      .slice(before)
      .filter((q) => q.path === '/loki/api/v1/query')
      .map((q) => q.params.get('query'));
    expect(sent).toHaveLength(3);
    expect(targets.map((t) => expandLoki(t.expr, { fromMs, toMs, variables: { service: '.+' } }))).toEqual(sent);
  });
});
