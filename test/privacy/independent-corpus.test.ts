import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOLS, startFilePipeline, type FilePipeline, type StoredLog, type Value } from '../support/corpus-pipeline.js';
import type { Attributes, ResourceLogsSpec } from '../support/otlp-encode.js';
import { credentials, innocentValues, type Credential } from './independent-corpus/corpus.js';

/**
 * The independent corpus (independent-corpus/, written from public detector facts, not from our
 * rules) through the real Collector with the sanitize processor, content masking on: every
 * credential in a prompt, in JSON tool parameters, in a string body, in an error attribute and as
 * bytesValue; every innocent the same way. Nothing of a credential may be stored (no 8-character
 * piece of it), and every innocent must arrive as sent.
 */
const creds = credentials();
const innocents = innocentValues();
const providers = new Set(creds.map((c) => c.provider).filter((p) => !p.startsWith('context:')));
const formats = new Set(creds.map((c) => c.id.replace(/#.*\./, '.')));

const RESOURCE: Attributes = { 'service.name': 'claude-code', 'service.version': '2.1.330', 'os.type': 'linux' };
const SCOPE = { name: 'com.anthropic.claude_code.events', version: '2.1.330' };
const bytes = (s: string) => new TextEncoder().encode(s) as unknown as Attributes[string];

const prompt = (line: string) => `Why does this fail?\n${line}\nThanks`;
const toolParams = (line: string) => JSON.stringify({ command: line, description: 'run it' });
const errorText = (line: string) => `Error: request failed: ${line}`;
const bodyText = (line: string) => `deploy log: ${line}`;

/** Two records per value: the text contexts, and the prompt and body as bytesValue. */
function records(kind: 'c' | 'i', values: readonly string[], run: string): ResourceLogsSpec[] {
  return values.map(
    (line, i): ResourceLogsSpec => ({
      resource: RESOURCE,
      scope: SCOPE,
      records: [
        {
          body: bodyText(line),
          attributes: { 'event.name': `${run}.${kind}.${i}.text`, 'session.id': `s-${run}`, prompt: prompt(line), tool_parameters: toolParams(line), error: errorText(line) },
        },
        { body: bytes(bodyText(line)), attributes: { 'event.name': `${run}.${kind}.${i}.bytes`, 'session.id': `s-${run}`, prompt: bytes(prompt(line)) } },
      ],
    }),
  );
}

function strings(v: Value | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

/** The 8-character pieces of a secret (and of its JSON-escaped form) that its carrier does not also hold. */
function pieces(c: Credential): string[] {
  const outside = c.line.replace(c.secret, '\u0000');
  const forms = [c.secret, JSON.stringify(c.secret).slice(1, -1)];
  const out = new Set<string>();
  for (const f of forms) for (let k = 0; k + 8 <= f.length; k++) if (!outside.includes(f.slice(k, k + 8))) out.add(f.slice(k, k + 8));
  return [...out];
}

interface Row {
  protocol: string;
  credentials: number;
  contexts: number;
  leaked: number;
  innocents: number;
  changed: number;
}
const table: Row[] = [];

describe('independent corpus through the real Collector (sanitize processor, content masked)', () => {
  let pipeline: FilePipeline;
  beforeAll(async () => {
    pipeline = await startFilePipeline({ stackYaml: 'profiles: [claude-code]\nprivacy: {promptText: mask, toolDetails: mask}', engine: 'processor' });
  }, 120_000);
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('is large enough: at least 300 credentials of 150 providers and 500 innocents', () => {
    console.log(`independent corpus: ${creds.length} credentials of ${formats.size} formats and ${providers.size} providers (besides context carriers), ${innocents.length} innocents`);
    expect(creds.length).toBeGreaterThanOrEqual(300);
    expect(providers.size).toBeGreaterThanOrEqual(150);
    expect(innocents.length).toBeGreaterThanOrEqual(500);
  });

  for (const protocol of PROTOCOLS) {
    it(`${protocol}: no credential or piece of one is stored, no innocent is changed`, async () => {
      const run = protocol.replace(/\W/g, '');
      const batches = [
        ...records(
          'c',
          creds.map((c) => c.line),
          run,
        ),
        ...records('i', innocents, run),
      ];
      const before = pipeline.read().logs.length;
      for (let k = 0; k < batches.length; k += 100) await pipeline.send(protocol, batches.slice(k, k + 100), []);
      const out = await pipeline.waitFor(before + 2 * batches.length, 0, 60_000);
      const byName = new Map<string, StoredLog>();
      for (const l of out.logs) byName.set(String(l.attributes['event.name']), l);

      const leaks: string[] = [];
      creds.forEach((c, i) => {
        const banned = pieces(c);
        for (const part of ['text', 'bytes']) {
          const stored = byName.get(`${run}.c.${i}.${part}`);
          if (!stored) {
            leaks.push(`${c.id} (${part}): record not stored`);
            continue;
          }
          // A mask's label names the rule (<secret:rubygems-api-key>), which may repeat the secret's prefix.
          const texts = [...strings(stored.attributes as Value), ...strings(stored.body)].map((t) => t.replace(/<secret:[a-z0-9-]+>/g, '<secret>'));
          const found = banned.filter((p) => texts.some((t) => t.includes(p)));
          if (found.length > 0) leaks.push(`${c.id} (${part}): ${JSON.stringify(texts.find((t) => found.some((p) => t.includes(p))))}`);
        }
      });
      const changed: string[] = [];
      innocents.forEach((v, i) => {
        const text = byName.get(`${run}.i.${i}.text`);
        const raw = byName.get(`${run}.i.${i}.bytes`);
        const want: [string, Value | undefined, string][] = [
          ['prompt', text?.attributes['prompt'], prompt(v)],
          ['tool_parameters', text?.attributes['tool_parameters'], toolParams(v)],
          ['error', text?.attributes['error'], errorText(v)],
          ['body', text?.body, bodyText(v)],
          ['bytes prompt', raw?.attributes['prompt'], prompt(v)],
          ['bytes body', raw?.body, bodyText(v)],
        ];
        for (const [what, got, expected] of want) if (got !== expected) changed.push(`${JSON.stringify(v)} (${what}): stored ${JSON.stringify(got)}`);
      });
      table.push({ protocol, credentials: creds.length, contexts: creds.length * 6, leaked: leaks.length, innocents: innocents.length, changed: changed.length });
      expect(leaks.join('\n'), 'credentials stored whole or in part').toBe('');
      expect(changed.join('\n'), 'innocents changed').toBe('');
    }, 180_000);
  }
});

afterAll(() => {
  for (const r of table) {
    console.log(`${r.protocol}: ${r.credentials} credentials in ${r.contexts} contexts, ${r.leaked} leaked; ${r.innocents} innocents, ${r.changed} changed`);
  }
});
