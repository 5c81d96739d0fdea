import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { ensureClaudeCode, startOtlpTap, runClaudeCode, type ClaudeCodeRun, type OtlpTap, CLAUDE_CODE_VERSION } from '../support/claude-code.js';
import { testCollectorBinary } from '../support/collector.js';
import { expectedUserIdHash } from '../support/corpus-planted.js';
import { parseFileExport, startFilePipeline, type FilePipeline, type StoredLog, type StoredOutput, type Value } from '../support/corpus-pipeline.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

/**
 * Real Claude Code, offline against a local fake Messages API, telemetry on with prompts and tool
 * details logged: a secret and an e-mail in the prompt, another secret in the Bash command the
 * model asks for. A tap in front of the Collector keeps the raw OTLP Claude Code sent, so what is
 * stored is compared with what was sent, not with what the test expects Claude Code to send.
 */

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ALNUM = B64URL.slice(0, 62);
const draw = (alphabet: string, n: number) => [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');

/** Fresh values per run, so nothing stored by an earlier run can satisfy (or fail) this one. */
function plantedValues() {
  const promptSecret = `ghp_${draw(ALNUM, 36)}`;
  const bashSecret = `sk-ant-api03-${draw(B64URL, 93)}AA`;
  const email = `dana.${draw('abcdefghijklmnopqrstuvwxyz', 8)}@example.org`;
  return {
    promptSecret,
    bashSecret,
    email,
    prompt: `Check whether my deploy token ${promptSecret} still works, then mail the result to ${email}.`,
    // Bash runs it for real: it only prints the request it would make, to a loopback address.
    bashCommand: `echo 'curl -H "Authorization: Bearer ${bashSecret}" https://127.0.0.1:9/x'`,
    user: `dana-${draw(ALNUM, 8)}`,
  };
}

const CONTENT_POLICY = 'privacy: {promptText: mask, toolDetails: mask}';

/** What Claude Code sent, read from the tap: the same OTLP/JSON shape the file exporter writes. */
function rawOutput(tap: OtlpTap): StoredOutput {
  const lines = tap.requests.filter((r) => r.json !== undefined).map((r) => `${JSON.stringify(r.json)}\n`);
  return { ...parseFileExport(lines.join('')), text: lines.join('') };
}

const events = (logs: StoredLog[], name: string) => logs.filter((l) => l.attributes['event.name'] === name);

function assertRunWasReal(run: ClaudeCodeRun, raw: StoredOutput, planted: ReturnType<typeof plantedValues>) {
  expect(run.timedOut, run.stderr).toBe(false);
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stdout).toContain('Done: the command ran.');
  // Only the Messages API was called, and only on the local fake.
  expect(run.requests.map((r) => `${r.method} ${r.path}`).filter((p) => p !== 'POST /v1/messages' && p !== 'POST /v1/messages/count_tokens')).toEqual([]);
  expect(run.served.map((s) => s.kind)).toEqual(['tool_use', 'final']);
  // Claude Code did export the secrets: without this, "not stored" would prove nothing.
  for (const v of [planted.promptSecret, planted.bashSecret, planted.email]) expect(raw.text).toContain(v);
  for (const name of ['user_prompt', 'api_request', 'tool_decision', 'tool_result']) expect(events(raw.logs, name).length, name).toBeGreaterThan(0);
  expect(raw.points.some((p) => p.metric === 'claude_code.cost.usage')).toBe(true);
}

function assertNothingSensitiveStored(storedText: string, planted: ReturnType<typeof plantedValues>, run: ClaudeCodeRun) {
  for (const v of [planted.promptSecret, planted.bashSecret, planted.email, run.userId!]) {
    expect(storedText.includes(v), `stored data contains ${v}`).toBe(false);
  }
  // The random parts alone, in case a mask cut a secret but left most of it.
  expect(storedText).not.toContain(planted.promptSecret.slice(4, 20));
  expect(storedText).not.toContain(planted.bashSecret.slice(13, 30));
}

/** Cost, tokens, model and session per request, as Claude Code priced and reported them. */
function requestFigures(logs: { attributes: Record<string, Value> }[]) {
  return new Map(
    logs.map((l) => [
      String(l.attributes['request_id']),
      {
        cost_usd: Number(l.attributes['cost_usd']),
        input_tokens: Number(l.attributes['input_tokens']),
        output_tokens: Number(l.attributes['output_tokens']),
        cache_read_tokens: Number(l.attributes['cache_read_tokens']),
        cache_creation_tokens: Number(l.attributes['cache_creation_tokens']),
        model: String(l.attributes['model']),
        session: String(l.attributes['session.id']),
      },
    ]),
  );
}

describe(`Claude Code ${CLAUDE_CODE_VERSION} through the Collector's sanitize chain`, () => {
  const planted = plantedValues();
  let pipeline: FilePipeline;
  let tap: OtlpTap;
  let run: ClaudeCodeRun;
  let raw: StoredOutput;
  let stored: StoredOutput;

  beforeAll(async () => {
    await ensureClaudeCode((line) => process.stderr.write(`[claude-code] ${line}\n`));
    pipeline = await startFilePipeline({ stackYaml: `profiles: [claude-code]\n${CONTENT_POLICY}` });
    tap = await startOtlpTap({ upstream: `http://127.0.0.1:${pipeline.ports.http}` });
    run = await runClaudeCode({ otlpEndpoint: tap.url, prompt: planted.prompt, bashCommand: planted.bashCommand, user: planted.user });
    raw = rawOutput(tap);
    stored = await pipeline.waitFor(raw.logs.length, raw.points.length);
  });
  afterAll(async () => {
    await tap?.close();
    await pipeline?.stop();
  });

  it('runs a whole turn offline and exports prompts, tool details, cost and tokens', () => {
    assertRunWasReal(run, raw, planted);
    expect(tap.requests.every((r) => r.status === 200)).toBe(true);
    const kinds = [...new Set(raw.logs.map((l) => String(l.attributes['event.name'])))].sort();
    const metrics = [...new Set(raw.points.map((p) => p.metric))].sort();
    console.log(`Claude Code ${CLAUDE_CODE_VERSION} exported events: ${kinds.join(', ')}; metrics: ${metrics.join(', ')}`);
  });

  it('stores every record, and neither secret, the e-mail nor the raw user id', () => {
    expect(stored.logs).toHaveLength(raw.logs.length);
    expect(stored.points).toHaveLength(raw.points.length);
    assertNothingSensitiveStored(stored.text, planted, run);
    const want = expectedUserIdHash(pipeline.hmacKey, run.userId!);
    for (const r of [...stored.logs, ...stored.points]) {
      expect(r.resource['service.name']).toBe('claude-code');
      expect(r.attributes['user.id']).toBe(want);
    }
  });

  it('keeps the prompt and the Bash command, masked', () => {
    const [prompt] = events(stored.logs, 'user_prompt');
    // The default masks say what they replaced (privacy.masks: labelled).
    expect(prompt?.attributes['prompt']).toBe(planted.prompt.replace(planted.promptSecret, '<secret:github-classic-pat>').replace(planted.email, '<email>'));
    const results = events(stored.logs, 'tool_result');
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      // The token and the (loopback) IP address are masked; the command around them is intact.
      const params = String(r.attributes['tool_parameters']);
      expect(params).toMatch(/"full_command":"echo 'curl -H \\"Authorization: Bearer <secret:[a-z0-9-]+>\\" https:\/\/<ip>:9\/x'"/);
    }
  });

  it('keeps cost, tokens, model and session.id exactly as Claude Code priced and sent them', () => {
    const sent = requestFigures(events(raw.logs, 'api_request'));
    const kept = requestFigures(events(stored.logs, 'api_request'));
    expect(sent.size).toBe(run.served.length);
    expect(kept).toEqual(sent);
    for (const figures of sent.values()) expect(figures.cost_usd).toBeGreaterThan(0);
    // And the tokens are what the API reported.
    const servedTokens = run.served.map((s) => [s.model, s.usage.input_tokens, s.usage.output_tokens, s.usage.cache_read_input_tokens, s.usage.cache_creation_input_tokens].join('/')).sort();
    const sentTokens = [...sent.values()].map((f) => [f.model, f.input_tokens, f.output_tokens, f.cache_read_tokens, f.cache_creation_tokens].join('/')).sort();
    expect(sentTokens).toEqual(servedTokens);
    // The cost metric survives too, equal to the events' sum.
    const costOf = (o: StoredOutput) => o.points.filter((p) => p.metric === 'claude_code.cost.usage').reduce((a, p) => a + p.value, 0);
    expect(costOf(stored)).toBe(costOf(raw));
    expect(costOf(raw)).toBeCloseTo(
      [...sent.values()].reduce((a, f) => a + f.cost_usd, 0),
      12,
    );
  });
});

describe(`Claude Code ${CLAUDE_CODE_VERSION} into a whole stack (up, embedded ClickHouse)`, () => {
  const planted = plantedValues();
  let stack: TestStack;
  let tap: OtlpTap;
  let run: ClaudeCodeRun;
  let raw: StoredOutput;
  const env = { ...process.env };
  // up generates and stores the HMAC key when the variable is unset.
  delete env['TELEMETRY_STACK_HMAC_KEY'];
  const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir, env });

  async function query(sql: string): Promise<Record<string, unknown>[]> {
    const password = readFileSync(join(stack.dataDir, 'secrets', 'clickhouse-password'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${stack.ports.storage}/`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`telemetry_writer:${password}`).toString('base64')}` },
      body: `${sql} FORMAT JSONEachRow`,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async function waitForRows(sql: string, count: number, timeoutMs: number): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + timeoutMs;
    let rows: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      rows = await query(sql);
      if (rows.length >= count) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    return rows;
  }

  beforeAll(async () => {
    await ensureClaudeCode((line) => process.stderr.write(`[claude-code] ${line}\n`));
    await testCollectorBinary();
    stack = await writeTestStack(CONTENT_POLICY);
    const up = await cli(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    tap = await startOtlpTap({ upstream: `http://127.0.0.1:${stack.ports.http}` });
    run = await runClaudeCode({ otlpEndpoint: tap.url, prompt: planted.prompt, bashCommand: planted.bashCommand, user: planted.user });
    raw = rawOutput(tap);
  });
  afterAll(async () => {
    await tap?.close();
    if (stack) await cli(['down']);
  });

  it('stores the session in otel_logs with no secret, e-mail or raw user id, and cost as priced', async () => {
    assertRunWasReal(run, raw, planted);
    const session = String(events(raw.logs, 'api_request')[0]?.attributes['session.id']);
    const rows = await waitForRows(
      `SELECT ServiceName, Body, LogAttributes, ResourceAttributes FROM telemetry.otel_logs WHERE LogAttributes['session.id'] = '${session.replace(/'/g, '')}'`,
      raw.logs.length,
      60_000,
    );
    expect(rows).toHaveLength(raw.logs.length);
    assertNothingSensitiveStored(JSON.stringify(rows), planted, run);

    const key = readFileSync(join(stack.dataDir, 'secrets', 'hmac-key'), 'utf8').trim();
    const stored = rows.map((r) => ({ attributes: r['LogAttributes'] as Record<string, Value>, service: r['ServiceName'] }));
    for (const r of stored) {
      expect(r.service).toBe('claude-code');
      expect(r.attributes['user.id']).toBe(expectedUserIdHash(key, run.userId!));
    }
    const api = stored.filter((r) => r.attributes['event.name'] === 'api_request');
    expect(requestFigures(api)).toEqual(requestFigures(events(raw.logs, 'api_request')));

    const prompt = stored.find((r) => r.attributes['event.name'] === 'user_prompt');
    expect(prompt?.attributes['prompt']).toContain('<secret:github-classic-pat>');

    const points = await waitForRows(
      `SELECT Value FROM telemetry.otel_metrics_sum WHERE MetricName = 'claude_code.cost.usage' AND Attributes['session.id'] = '${session.replace(/'/g, '')}'`,
      raw.points.filter((p) => p.metric === 'claude_code.cost.usage').length,
      60_000,
    );
    const storedCost = points.reduce((a, p) => a + Number(p['Value']), 0);
    const sentCost = raw.points.filter((p) => p.metric === 'claude_code.cost.usage').reduce((a, p) => a + p.value, 0);
    expect(storedCost).toBe(sentCost);
  });
});
