import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecretRules } from '../../tools/privacy/secret-rules.js';
import { readCollectorMetrics } from '../../cli/runtime/collector-metrics.js';
import type { ProfileName } from '../../cli/stack/schema.js';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { corpusSeed, expectedUserIdHash, plantedCorpus, type Planted } from '../support/corpus-planted.js';
import { PROTOCOLS, SANITIZE_ENGINES, startFilePipeline, type FilePipeline, type StoredLog, type Value } from '../support/corpus-pipeline.js';
import { fileLeaks, judgeRun, plantedBatch, PROFILE_SHAPES, type Finding } from '../support/corpus-records.js';
import type { Attributes, ResourceLogsSpec } from '../support/otlp-encode.js';
import { writeTestStack } from '../support/stack-dir.js';

/**
 * The sanitize chain as rendered from a stack file, in the real Collector, with only storage swapped
 * for a file exporter. Per profile, the shared corpus goes in over each OTLP protocol and what would
 * have been stored is read back: the pass condition is no leak and no damaged innocent, per cell of
 * the printed table.
 */
const PROFILES: ProfileName[] = ['claude-code', 'cli-usage', 'generic'];

interface Row {
  profile: string;
  protocol: string;
  sent: number;
  received: number;
  leaks: number;
  damaged: number;
}
const table: Row[] = [];

const show = (findings: Finding[]) => findings.map((f) => `${f.record}: ${f.what}`).join('\n');

console.log(`corpus seed: ${corpusSeed()}`);

describe.each(SANITIZE_ENGINES)('engine %s', (engine) => {
  describe.each(PROFILES)('sanitize in the real Collector: profile %s', (profile) => {
    const shape = PROFILE_SHAPES[profile];
    const planted = plantedCorpus();
    let pipeline: FilePipeline;

    beforeAll(async () => {
      pipeline = await startFilePipeline({ stackYaml: `profiles: [${profile}]`, engine });
    });
    afterAll(async () => {
      await pipeline?.stop();
    });

    for (const protocol of PROTOCOLS) {
      it(`${protocol}: no secret, PII or raw user id is stored; innocents arrive intact`, async () => {
        const batch = plantedBatch(shape, planted, protocol);
        const before = pipeline.read();
        await pipeline.send(protocol, batch.logs, batch.metrics);
        const output = await pipeline.waitFor(before.logs.length + planted.length, before.points.length + planted.length);
        const verdict = judgeRun(shape, planted, batch, protocol, output, pipeline.hmacKey);
        table.push({ profile: `${engine}/${profile}`, protocol, sent: verdict.sent, received: verdict.received, leaks: verdict.leaks.length, damaged: verdict.damaged.length });
        expect(verdict.received, 'records and points stored').toBe(verdict.sent);
        expect(show(verdict.leaks), 'leaks').toBe('');
        expect(show(verdict.damaged), 'damaged innocents').toBe('');
      });
    }

    it('nothing sensitive appears anywhere in the stored file', () => {
      const output = pipeline.read();
      // The file holds every protocol's run (so this cannot pass on an empty file).
      expect(output.logs).toHaveLength(PROTOCOLS.length * planted.length);
      expect(show(fileLeaks(planted, output.text))).toBe('');
    });
  });

  /** Every string in a stored value, depth first. */
  function strings(v: Value | undefined): string[] {
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) return v.flatMap(strings);
    if (v !== null && typeof v === 'object') return Object.values(v).flatMap(strings);
    return [];
  }

  const CLAUDE_RESOURCE: Attributes = { 'service.name': 'claude-code', 'service.version': '2.1.330', 'os.type': 'linux' };
  const CLAUDE_SCOPE = { name: 'com.anthropic.claude_code.events', version: '2.1.330' };
  const byEvent = (logs: StoredLog[], name: string) => logs.filter((l) => l.attributes['event.name'] === name);

  describe('content policy for prompts and tool details (claude-code)', () => {
    const all = plantedCorpus();
    // Sensitive texts of every kind plus innocents; home paths stay out of the `keep` comparison
    // because home-path masking is a separate switch that applies to kept content too.
    const pick = (kind: Planted['kind'], n: number) => all.filter((p) => p.kind === kind).slice(0, n);
    const items = [...pick('secret', 12), ...pick('email', 3), ...pick('ipv4', 2), ...pick('ipv6', 2), ...pick('innocent', 3)];
    const CONTENT = ['prompt', 'response', 'tool_parameters', 'tool_input'];

    // Tool details are JSON text, as Claude Code sends them: a corpus text that is already a JSON
    // document goes in as it is, any other text is the command inside one (escaped once, like a real one).
    const isJson = (text: string) => text.startsWith('{');
    const toolJson = (text: string, key: string) => (isJson(text) ? text : JSON.stringify({ [key]: text }));
    const sentContent = (p: Planted): Record<string, string> => ({
      prompt: p.text,
      response: p.text,
      tool_parameters: toolJson(p.text, 'full_command'),
      tool_input: toolJson(p.text, 'command'),
    });
    const asStored = (p: Planted, key: string, inn: string) => (key.startsWith('tool_') && !isJson(p.text) ? JSON.stringify(inn).slice(1, -1) : inn);

    function contentRecords(run: string): ResourceLogsSpec[] {
      return items.map((p, i) => ({
        resource: CLAUDE_RESOURCE,
        scope: CLAUDE_SCOPE,
        records: [
          {
            body: 'claude_code.tool_result',
            attributes: {
              'event.name': `${run}.${i}`,
              'session.id': `session-${run}`,
              ...sentContent(p),
              // Not content: masked whatever the content policy says.
              error: p.text,
            },
          },
        ],
      }));
    }

    async function runPolicy(policy: 'drop' | 'mask' | 'keep') {
      const pipeline = await startFilePipeline({ stackYaml: `profiles: [claude-code]\nprivacy: {promptText: ${policy}, toolDetails: ${policy}}`, engine });
      try {
        await pipeline.send('http/protobuf', contentRecords(policy), []);
        const out = await pipeline.waitFor(items.length, 0);
        return items.map((p, i) => ({ p, stored: byEvent(out.logs, `${policy}.${i}`) }));
      } finally {
        await pipeline.stop();
      }
    }

    const leaksIn = (p: Planted, v: Value | undefined) => p.forbidden.filter((f) => strings(v).some((t) => t.includes(f)));

    it('drop: no prompt, response or tool detail is stored at all', async () => {
      for (const { p, stored } of await runPolicy('drop')) {
        expect(stored, p.id).toHaveLength(1);
        const attrs = stored[0]!.attributes;
        for (const key of CONTENT) expect(attrs, `${p.id}: ${key}`).not.toHaveProperty(key);
        expect(leaksIn(p, attrs['error']), p.id).toEqual([]);
      }
    });

    it('mask: content is stored with every secret and PII masked and the rest intact', async () => {
      for (const { p, stored } of await runPolicy('mask')) {
        expect(stored, p.id).toHaveLength(1);
        const attrs = stored[0]!.attributes;
        for (const key of CONTENT) {
          expect(attrs, `${p.id}: ${key}`).toHaveProperty(key);
          expect(leaksIn(p, attrs[key]), `${p.id}: ${key}`).toEqual([]);
          for (const inn of p.innocents) expect(String(attrs[key]), `${p.id}: ${key} keeps ${inn}`).toContain(asStored(p, key, inn));
        }
        if (p.kind === 'innocent') expect(attrs['prompt']).toBe(p.text);
      }
    });

    it('keep: content is stored verbatim, while every other attribute is still masked', async () => {
      for (const { p, stored } of await runPolicy('keep')) {
        expect(stored, p.id).toHaveLength(1);
        const attrs = stored[0]!.attributes;
        for (const [key, value] of Object.entries(sentContent(p))) expect(attrs[key], `${p.id}: ${key}`).toBe(value);
        expect(leaksIn(p, attrs['error']), `${p.id}: error`).toEqual([]);
      }
    });
  });

  // Only the processor reads bytes: the stock chain's processors skip a value of type bytes, so a
  // prompt sent as bytesValue passes it unmasked (stored as base64); that is one reason it is not the default.
  describe.skipIf(engine === 'stock')('values of type bytes', () => {
    it('a prompt sent as bytesValue is scanned as text and masked; bytes that are not text are dropped', async () => {
      const rule = loadSecretRules().find((r) => r.id === 'anthropic-api-key')!;
      const secret = rule.samples.positive[0]!.secret;
      const prompt = `please use ${secret} and mail bob.smith@example.com`;
      const b64 = (b: Buffer) => b.toString('base64');
      const attr = (key: string, value: Record<string, string>) => ({ key, value });
      const request = {
        resourceLogs: [
          {
            resource: { attributes: [attr('service.name', { stringValue: 'claude-code' })] },
            scopeLogs: [
              {
                scope: { name: 'com.anthropic.claude_code.events' },
                logRecords: [
                  {
                    timeUnixNano: String(Date.now() * 1_000_000),
                    body: { bytesValue: b64(Buffer.from(prompt)) },
                    attributes: [
                      attr('event.name', { stringValue: 'user_prompt' }),
                      attr('prompt', { bytesValue: b64(Buffer.from(prompt)) }),
                      attr('response', { bytesValue: b64(Buffer.from([0xff, 0xfe, 0x00, 0x41])) }),
                    ],
                  },
                ],
              },
            ],
          },
        ],
      };
      const pipeline = await startFilePipeline({ stackYaml: 'profiles: [claude-code]\nprivacy: {promptText: mask}', engine });
      try {
        const res = await fetch(`http://127.0.0.1:${pipeline.ports.http}/v1/logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(15_000),
        });
        expect(res.status).toBe(200);
        const out = await pipeline.waitFor(1, 0);
        const [stored] = byEvent(out.logs, 'user_prompt');
        expect(stored).toBeDefined();
        expect(stored!.attributes['prompt']).toBe('please use <secret:anthropic-api-key> and mail <email>');
        expect(stored!.body).toBe('please use <secret:anthropic-api-key> and mail <email>');
        expect(stored!.attributes).not.toHaveProperty('response');
        for (const leak of [secret, b64(Buffer.from(secret)), b64(Buffer.from(prompt)), 'bob.smith']) expect(out.text).not.toContain(leak);
        // The processor's counters, as `status` reads them from the Collector's own metrics.
        const metrics = await readCollectorMetrics(pipeline.ports.metrics);
        expect(metrics.sanitize?.masked).toBeGreaterThanOrEqual(4);
        expect(metrics.sanitize?.droppedAttributes).toBeGreaterThanOrEqual(1);
        expect(metrics.summary).toContain('masked');
      } finally {
        await pipeline.stop();
      }
    });
  });

  describe('truncation (maxValueLength) and the attribute cap (maxAttributes)', () => {
    it('cuts every value to the limit after masking, so a secret across the limit leaves no fragment', async () => {
      const limit = 64;
      const valueRules = new Set(
        loadSecretRules()
          .filter((r) => r.masks === 'value')
          .map((r) => r.id),
      );
      const secrets = plantedCorpus()
        .filter((p) => p.kind === 'secret' && p.ruleId !== undefined && valueRules.has(p.ruleId))
        .map((p) => p.forbidden[0]!)
        .filter((s) => s.length >= 16 && !/["\\\s]/.test(s))
        .slice(0, 25);
      expect(secrets.length).toBeGreaterThan(10);
      const long = 'abcdefghij'.repeat(20);
      const records: { name: string; secret?: string; value: string }[] = [{ name: 'long', value: long }];
      for (const [si, secret] of secrets.entries()) {
        // Start the secret at several offsets so that it straddles the limit by a little and by a lot.
        for (const cut of [4, 8, 12, 16, 20]) {
          const start = limit - Math.min(cut, secret.length - 1);
          records.push({ name: `straddle.${si}.${cut}`, secret, value: `${'y'.repeat(start - 1)} ${secret} tail` });
        }
      }
      const pipeline = await startFilePipeline({ stackYaml: `profiles: [generic]\nprivacy: {maxValueLength: ${limit}}`, engine });
      try {
        await pipeline.send(
          'grpc',
          records.map((r, i) => ({
            resource: { 'service.name': 'orders-api', 'service.namespace': r.value },
            scope: { name: 'orders-api/http' },
            records: [
              {
                body: i % 2 === 0 ? r.value : { message: r.value, nested: { value: r.value } },
                attributes: { 'event.name': r.name, 'http.route': r.value, 'user.id': `user-${i}` },
              },
            ],
          })),
          [],
        );
        const out = await pipeline.waitFor(records.length, 0);
        expect(out.logs).toHaveLength(records.length);
        for (const [i, r] of records.entries()) {
          const [stored] = byEvent(out.logs, r.name);
          expect(stored, r.name).toBeDefined();
          const values = [stored!.attributes['http.route'], stored!.resource['service.namespace'], ...strings(stored!.body)];
          for (const v of values) {
            expect(typeof v, r.name).toBe('string');
            expect((v as string).length, `${r.name}: ${String(v)}`).toBeLessThanOrEqual(limit);
          }
          // The keyed hash is exactly as long as the smallest limit and must still be whole: purge by user recomputes it.
          expect(stored!.attributes['user.id'], r.name).toBe(expectedUserIdHash(pipeline.hmacKey, `user-${i}`));
          if (r.secret === undefined) {
            expect(
              values.every((v) => v === long.slice(0, limit)),
              'an innocent value is cut, not altered',
            ).toBe(true);
            continue;
          }
          const fragments = Array.from({ length: r.secret.length - 7 }, (_, k) => r.secret!.slice(k, k + 8));
          for (const v of values)
            expect(
              fragments.filter((f) => (v as string).includes(f)),
              `${r.name}: ${String(v)}`,
            ).toEqual([]);
        }
      } finally {
        await pipeline.stop();
      }
    });

    it('keeps at most maxAttributes attributes per record, each one as sent', async () => {
      const cap = 4;
      const sent: Attributes = {
        'event.name': 'api_request',
        'session.id': 'session-cap',
        model: 'claude-opus-5-5',
        input_tokens: 1200,
        output_tokens: 80,
        cache_read_tokens: 300,
        cache_creation_tokens: 150,
        cost_usd: 0.00721,
        duration_ms: 94,
        query_source: 'sdk',
        speed: 'normal',
        effort: 'medium',
        'terminal.type': 'non-interactive',
      };
      const pipeline = await startFilePipeline({ stackYaml: `profiles: [claude-code]\nprivacy: {maxAttributes: ${cap}}`, engine });
      try {
        const logs = Array.from({ length: 20 }, (_, i) => ({
          resource: CLAUDE_RESOURCE,
          scope: CLAUDE_SCOPE,
          records: [{ body: 'claude_code.api_request', attributes: { ...sent, 'event.sequence': i } }],
        }));
        await pipeline.send('http/json', logs, [
          {
            resource: CLAUDE_RESOURCE,
            scope: { name: 'com.anthropic.claude_code' },
            metrics: [{ name: 'claude_code.token.usage', kind: 'sum', valueType: 'double', points: [{ value: 1, attributes: { ...sent, type: 'input' } }] }],
          },
        ]);
        const out = await pipeline.waitFor(20, 1);
        expect(out.logs).toHaveLength(20);
        expect(out.points).toHaveLength(1);
        for (const r of [...out.logs, ...out.points]) {
          const keys = Object.keys(r.attributes);
          expect(keys.length, JSON.stringify(r.attributes)).toBeLessThanOrEqual(cap);
          expect(keys.length).toBeGreaterThan(0);
          for (const k of keys) if (k !== 'event.sequence' && k !== 'type') expect(r.attributes[k], k).toBe(sent[k]);
        }
      } finally {
        await pipeline.stop();
      }
    });
  });
});

describe('the HMAC key for user ids', () => {
  it('up refuses a key shorter than 32 bytes with one line, and starts nothing', async () => {
    await testCollectorBinary();
    const stack = await writeTestStack();
    const env = { ...process.env, TELEMETRY_STACK_HMAC_KEY: 'too-short-key-0123456789' };
    try {
      const up = await runCli(['up', '--file', stack.file], { cwd: stack.dir, env });
      expect(up.exitCode).toBe(1);
      expect(up.stderr).not.toMatch(STACK_TRACE);
      // Progress lines (which runtime was chosen) may come first; the refusal is one line, the last.
      const lines = up.stderr.trim().split('\n');
      const errors = lines.filter((l) => l.startsWith('telemetry-stack:'));
      expect(errors, up.stderr).toHaveLength(1);
      expect(lines.at(-1)).toBe(errors[0]);
      expect(errors[0]).toMatch(/TELEMETRY_STACK_HMAC_KEY.*24 bytes.*at least 32/);
      expect(up.stderr).not.toContain('too-short-key');
      expect(existsSync(join(stack.dataDir, 'run', 'collector.json'))).toBe(false);
      const status = JSON.parse((await runCli(['status', '--json', '--file', stack.file], { cwd: stack.dir, env })).stdout) as { components: { state: string }[] };
      expect(status.components.map((c) => c.state)).toEqual(['stopped', 'stopped']);
    } finally {
      await runCli(['down', '--file', stack.file], { cwd: stack.dir, env });
    }
  });

  it('up without the variable generates a 32-byte key once, stored 0600, and reuses it', async () => {
    await testCollectorBinary();
    const stack = await writeTestStack();
    const env = { ...process.env };
    delete env['TELEMETRY_STACK_HMAC_KEY'];
    try {
      const up = await runCli(['up', '--file', stack.file], { cwd: stack.dir, env });
      expect(up.exitCode, up.stderr).toBe(0);
      const file = join(stack.dataDir, 'secrets', 'hmac-key');
      const key = readFileSync(file, 'utf8').trim();
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect((await runCli(['down', '--file', stack.file], { cwd: stack.dir, env })).exitCode).toBe(0);
      expect((await runCli(['up', '--file', stack.file], { cwd: stack.dir, env })).exitCode).toBe(0);
      expect(readFileSync(file, 'utf8').trim()).toBe(key);
    } finally {
      await runCli(['down', '--file', stack.file], { cwd: stack.dir, env });
    }
  });
});

afterAll(() => {
  const header = ['profile', 'protocol', 'records sent', 'received', 'leaks', 'damaged innocents'];
  const rows = table.map((r) => [r.profile, r.protocol, String(r.sent), String(r.received), String(r.leaks), String(r.damaged)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(['', line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n'));
});
