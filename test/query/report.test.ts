import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB } from './dataset.js';
import { startHarness, waitForCount, type Harness } from './harness.js';
import { CLAUDE_SCOPE, CLI_SCOPE, claudeEvent, command, logsBody, post, type LogRecord, type ResourceLogs } from './otlp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RESULTS = join(ROOT, 'test-results', 'query');
const SONNET = 'claude-sonnet-4-5';
const HAIKU = 'claude-haiku-4-5';
const OPUS = 'claude-opus-4-1';

/** The whole previous calendar month (UTC): every event falls on a fixed day of it. */
function previousMonth(): { month: string; at: (day: number, hour?: number) => number; since: string; until: string } {
  const d = new Date();
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return {
    month: new Date(first).toISOString().slice(0, 7),
    at: (day, hour = 10) => first + (day - 1) * 86_400_000 + hour * 3_600_000,
    since: new Date(first).toISOString().slice(0, 10),
    until: new Date(next).toISOString().slice(0, 10),
  };
}

/**
 * Chromium prints every console message (and every policy violation, which the page's CSP turns
 * any network load into) as a `:CONSOLE` line with --enable-logging=stderr; the report has no
 * script, so any such line is an error.
 */
async function openInChromium(chromium: string, file: string, screenshot: string): Promise<string[]> {
  const profile = mkdtempSync(join(tmpdir(), 'ts-chromium-'));
  try {
    const r = await execa(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        '--enable-logging=stderr',
        '--v=0',
        `--screenshot=${screenshot}`,
        '--window-size=1000,3200',
        `file://${file}`,
      ],
      { reject: false, timeout: 120_000, all: true },
    );
    if (r.exitCode !== 0) throw new Error(`chromium exited ${r.exitCode}: ${String(r.all).trim().split('\n').pop()}`);
    return String(r.all)
      .split('\n')
      .filter((l) => /:CONSOLE|Uncaught|Refused to|violates the following Content Security Policy/.test(l));
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

async function findChromium(): Promise<string> {
  const setup = await execa('bash', [join(import.meta.dirname, 'setup-chromium.sh')], { reject: false, timeout: 900_000 });
  const which = await execa('bash', ['-c', 'command -v chromium'], { reject: false });
  if (which.exitCode !== 0 || !which.stdout.trim()) {
    throw new Error(`chromium is not installed and test/query/setup-chromium.sh could not install it: ${setup.stderr.trim().split('\n').pop() ?? 'no output'}`);
  }
  return which.stdout.trim();
}

interface MonthJson {
  month: string;
  totals: Record<string, number>;
  costPerDay: { day: string; costUsd: number; requests: number }[];
  costPerUserModel: { user: string; model: string; costUsd: number; requests: number }[];
  topVerbs: Record<string, unknown>[];
  errorsPerDay: { day: string; errors: number }[];
  apiErrors: { statusCode: string; error: string; errors: number }[];
  failingTools: Record<string, unknown>[];
}

describe('report month and report insights', () => {
  let h: Harness;
  const m = previousMonth();

  beforeAll(async () => {
    h = await startHarness();
    const alice = { 'user.email': ALICE.email, 'user.id': ALICE.id };
    const bob = { 'user.id': BOB.id };
    const request = (model: string, cost: number, input: number, output: number) => ({
      model,
      cost_usd: cost,
      input_tokens: input,
      output_tokens: output,
      cache_read_tokens: 0,
      cache_creation_tokens: 0,
    });
    const cc = (extra: Record<string, string>, records: LogRecord[]): ResourceLogs => ({ resource: { 'service.name': 'claude-code', ...extra }, scope: CLAUDE_SCOPE, records });
    const cli = (service: string, fingerprint: string, records: LogRecord[]): ResourceLogs => ({ resource: { 'service.name': service, 'cli.fingerprint': fingerprint }, scope: CLI_SCOPE, records });
    const times = (n: number, t: number, verb: string) => Array.from({ length: n }, (_, i) => command(t + i * 1000, verb, 0));
    const groups: ResourceLogs[] = [
      cc({ team: 'platform' }, [
        claudeEvent(m.at(2), 'api_request', { ...alice, ...request(SONNET, 1.25, 1000, 200) }),
        claudeEvent(m.at(3), 'api_request', { ...alice, ...request(OPUS, 2.5, 500, 900) }),
        claudeEvent(m.at(3, 11), 'api_error', { ...alice, model: OPUS, status_code: 529, error: 'Overloaded' }),
        claudeEvent(m.at(3, 12), 'tool_result', { ...alice, tool_name: 'Bash', success: false, error_type: 'exit_code' }),
        claudeEvent(m.at(3, 13), 'tool_result', { ...alice, tool_name: 'Bash', success: true }),
      ]),
      cc({}, [
        claudeEvent(m.at(3, 14), 'api_request', { ...bob, ...request(SONNET, 0.5, 300, 100) }),
        claudeEvent(m.at(3, 15), 'api_error', { ...bob, model: SONNET, status_code: 529, error: 'Overloaded' }),
        claudeEvent(m.at(15), 'api_request', { ...bob, ...request(HAIKU, 0.05, 100, 20) }),
        claudeEvent(m.at(15, 11), 'api_error', { ...bob, model: HAIKU, status_code: 500, error: 'Internal server error' }),
      ]),
      cc({ team: 'platform' }, [claudeEvent(m.at(15, 12), 'api_request', request(HAIKU, 0.1, 200, 50))]),
      cli('tinycli', 'fp-secret-t1', [command(m.at(2), 'deploy', 0), command(m.at(15), 'status', 0)]),
      cli('tinycli', 'fp-secret-t2', [command(m.at(2, 11), 'deploy', 1)]),
      cli('tinycli', 'fp-secret-t3', [command(m.at(2, 12), 'deploy', 0)]),
      cli('bigcli', 'fp-secret-b1', [...times(12, m.at(20), 'build'), command(m.at(20, 12), 'test', 0)]),
      ...['b2', 'b3', 'b4'].map((b, i) => cli('bigcli', `fp-secret-${b}`, [command(m.at(21, i), 'build', 0), command(m.at(21, i + 5), 'test', 0)])),
      cli('bigcli', 'fp-secret-b5', [command(m.at(22), 'build', 0), command(m.at(22, 11), 'lint', 0)]),
      cli('bigcli', 'fp-secret-b6', [command(m.at(23), 'build', 0)]),
    ];
    await post(h.stack.ports.http, '/v1/logs', logsBody(groups));
    const total = groups.reduce((a, g) => a + g.records.length, 0);
    expect(await waitForCount(h, 'SELECT count() AS n FROM otel_logs', total)).toBe(total);
  });

  afterAll(async () => {
    await h?.down();
  });

  it('report month --json: the numbers the report shows', async () => {
    const r = await h.json<MonthJson>(['report', 'month', m.month]);
    expect(r.totals).toEqual({ costUsd: 4.4, requests: 5, inputTokens: 2100, outputTokens: 1270, users: 3, models: 3, cliEvents: 26, apiErrors: 3 });
    expect(r.costPerDay.filter((d) => d.requests > 0)).toEqual([
      { day: `${m.month}-02`, costUsd: 1.25, requests: 1 },
      { day: `${m.month}-03`, costUsd: 3, requests: 2 },
      { day: `${m.month}-15`, costUsd: 0.15, requests: 2 },
    ]);
    expect(r.costPerDay).toHaveLength(new Date(Date.parse(`${m.until}T00:00:00Z`) - 1).getUTCDate());
    expect(r.costPerUserModel.map((x) => [x.user, x.model, x.costUsd, x.requests])).toEqual([
      [h.hmac(ALICE.email), OPUS, 2.5, 1],
      [h.hmac(ALICE.email), SONNET, 1.25, 1],
      [h.hmac(BOB.id), SONNET, 0.5, 1],
      ['platform', HAIKU, 0.1, 1],
      [h.hmac(BOB.id), HAIKU, 0.05, 1],
    ]);
    expect(r.topVerbs.slice(0, 2)).toEqual([
      { service: 'bigcli', verb: 'build', events: 17, users: 6, failures: 0, failure_rate: 0 },
      { service: 'bigcli', verb: 'test', events: 4, users: 4, failures: 0, failure_rate: 0 },
    ]);
    expect(r.topVerbs.find((v) => v['verb'] === 'deploy')).toEqual({ service: 'tinycli', verb: 'deploy', events: 3, users: 3, failures: 1, failure_rate: 0.3333 });
    expect(r.errorsPerDay.filter((d) => d.errors > 0)).toEqual([
      { day: `${m.month}-03`, errors: 2 },
      { day: `${m.month}-15`, errors: 1 },
    ]);
    expect(r.apiErrors).toEqual([
      { statusCode: '529', error: 'Overloaded', errors: 2 },
      { statusCode: '500', error: 'Internal server error', errors: 1 },
    ]);
    expect(r.failingTools).toEqual([{ tool: 'Bash', calls: 2, failures: 1, failure_rate: 0.5, top_error_type: 'exit_code' }]);
  });

  it('scripts/export-month-report.sh writes markdown and a self-contained HTML page', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ts-report-'));
    const r = await execa(join(ROOT, 'scripts', 'export-month-report.sh'), [m.month, '--out', out, '--file', h.stack.file], { reject: false, timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const md = readFileSync(join(out, `telemetry-report-${m.month}.md`), 'utf8');
    expect(md).toContain('| Claude Code cost | $4.40 |');
    expect(md).toContain(`| ${m.month}-03 | $3.00 | 2 |`);
    expect(md).toContain(`| ${h.hmac(ALICE.email).slice(0, 16)}… | ${OPUS} | $2.50 | 1 | 500 | 900 |`);
    expect(md).toContain('| bigcli | build | 17 | 6 | 0 | 0.0% |');
    expect(md).toContain('| 529 | Overloaded | 2 |');
    const html = readFileSync(join(out, `telemetry-report-${m.month}.html`), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link(?![^>]*href="data:)|<img|@import|url\(/i);
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:/);
    expect(html).toContain('<td>Claude Code cost</td><td class="n">$4.40</td>');
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, `telemetry-report-${m.month}.html`), html);
  });

  it('opens in headless Chromium without a console message, and a screenshot is kept', async () => {
    const chromium = await findChromium();
    const page = join(RESULTS, `telemetry-report-${m.month}.html`);
    if (!existsSync(page)) throw new Error(`${page} is missing: the export test did not write it`);
    const screenshot = join(RESULTS, `telemetry-report-${m.month}.png`);
    rmSync(screenshot, { force: true });
    expect(await openInChromium(chromium, page, screenshot)).toEqual([]);
    expect(readFileSync(screenshot).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  }, 900_000);

  it('the console check sees a script error and a blocked load (so a clean page means something)', async () => {
    const chromium = await findChromium();
    const dir = mkdtempSync(join(tmpdir(), 'ts-report-control-'));
    const broken = join(dir, 'broken.html');
    writeFileSync(broken, '<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><body><script>console.error("control error"); missingFunction();</script></body></html>');
    const lines = await openInChromium(chromium, broken, join(dir, 'broken.png'));
    expect(lines.some((l) => l.includes('control error'))).toBe(true);
    expect(lines.some((l) => l.includes('Uncaught ReferenceError'))).toBe(true);
    const report = readFileSync(join(RESULTS, `telemetry-report-${m.month}.html`), 'utf8');
    const external = join(dir, 'external.html');
    writeFileSync(external, report.replace('</body>', '<img src="http://127.0.0.1:9/pixel.png" alt=""></body>'));
    expect((await openInChromium(chromium, external, join(dir, 'external.png'))).some((l) => l.includes('Content Security Policy'))).toBe(true);
  }, 900_000);

  it('report insights: public aggregates only, groups under --min-group withheld', async () => {
    interface Insights {
      minGroup: number;
      sections: { key: string; suppressedGroups: number; rows: Record<string, unknown>[] }[];
    }
    const r = await h.json<Insights>(['report', 'insights', '--min-group', '4', '--since', m.since, '--until', m.until]);
    const section = (key: string) => r.sections.find((s) => s.key === key)!;
    expect(section('services')).toEqual({ key: 'services', title: 'Adoption per CLI (installs)', suppressedGroups: 1, rows: [{ service: 'bigcli', installs: 6, events: 22, verbs: 3 }] });
    expect(section('verbs').rows).toEqual([
      { service: 'bigcli', verb: 'build', installs: 6, adoption: 1, events: 17 },
      { service: 'bigcli', verb: 'test', installs: 4, adoption: 0.6667, events: 4 },
    ]);
    expect(section('verbs').suppressedGroups).toBe(3);
    expect(section('activity').rows).toEqual([{ service: 'bigcli', commands: '2-10', installs: 4 }]);
    expect(section('activity').suppressedGroups).toBe(4);
    // Nothing names an install or a user.
    expect(JSON.stringify(r)).not.toMatch(/fp-secret|@|[0-9a-f]{64}/);
    const md = await h.cli(['report', 'insights', '--min-group', '4', '--since', m.since, '--until', m.until, '--markdown']);
    expect(md.stdout).toContain('| bigcli | test | 4 | 66.7% | 4 |');
    expect(md.stdout).toContain('3 smaller groups withheld.');
    expect((await h.json<Insights>(['report', 'insights', '--min-group', '7', '--since', m.since, '--until', m.until])).sections.every((s) => s.rows.length === 0)).toBe(true);
  });
});
