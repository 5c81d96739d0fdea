import { afterAll, describe, expect, it } from 'vitest';

import { createRandom } from '../../tools/privacy/corpus-random.js';
import { parseGenerateTemplate, renderGenerateTemplate } from '../../tools/privacy/secret-generate.js';
import type { GeneratedSecret } from '../../tools/privacy/secret-generate.js';
import { loadSecretInnocents } from '../../tools/privacy/secret-innocents.js';
import { compileSecretRules, coverageProblem, firstMatch, sampleFailures } from '../../tools/privacy/secret-match.js';
import { portabilityProblems } from '../../tools/privacy/secret-regex.js';
import { loadSecretRules, secretPatterns } from '../../tools/privacy/secret-rules.js';
import type { SecretRule, SecretSample } from '../../tools/privacy/secret-rules.js';
import { goAvailable, runGoRegexp } from './go-regexp.js';
import type { GoProbe } from './go-regexp.js';

const MIN_RULES = 110;
const GENERATED_PER_TEMPLATE = 25;

const rules = loadSecretRules();
const compiled = compileSecretRules(rules);
const innocents = loadSecretInnocents().flatMap((group) => group.values);
const sampleCount = rules.reduce((n, r) => n + r.samples.positive.length + r.samples.negative.length, 0);

// Fresh values from each rule's published shape; a fixed seed keeps a failure reproducible.
const generated: { rule: SecretRule; value: GeneratedSecret }[] = (() => {
  const rng = createRandom('secret-rules.test');
  return rules.flatMap((rule) =>
    rule.generate.flatMap((template) => {
      const { parts } = parseGenerateTemplate(template);
      return Array.from({ length: GENERATED_PER_TEMPLATE }, () => ({ rule, value: renderGenerateTemplate(parts, rng) }));
    }),
  );
})();

// Claude Code sends tool parameters as a JSON string, and a command inside them may carry JSON of
// its own, so every sample must still be found once or twice JSON-escaped.
const escapeJson = (s: string): string => JSON.stringify(s).slice(1, -1);
const escapedSamples: { rule: SecretRule; depth: number; sample: SecretSample }[] = rules.flatMap((rule) =>
  rule.samples.positive.flatMap((sample) =>
    [1, 2].map((depth) => {
      let { text, secret } = sample;
      for (let i = 0; i < depth; i++) [text, secret] = [escapeJson(text), escapeJson(secret)];
      return { rule, depth, sample: { text, secret } };
    }),
  ),
);

const hasGo = goAvailable();
const failureCounts = new Map<string, number>();
function record(check: string, failures: readonly string[]): readonly string[] {
  failureCounts.set(check, failures.length);
  return failures;
}

afterAll(() => {
  const failures = [...failureCounts.values()].reduce((a, b) => a + b, 0);
  const go = hasGo ? '' : ' (Go regexp check skipped: `go` not found on PATH)';
  console.log(`secret rules: ${rules.length} rules, ${sampleCount} samples, ${failures} failures${go}`);
});

describe('secret rules', () => {
  it(`has at least ${MIN_RULES} rules, each id once`, () => {
    expect(rules.length).toBeGreaterThanOrEqual(MIN_RULES);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('gives the redaction processor every pattern of every rule, in file order', () => {
    expect(secretPatterns(rules)).toEqual(rules.flatMap((r) => r.patterns));
  });

  it('keeps every pattern in the syntax Go RE2 and JavaScript read alike', () => {
    const failures = rules.flatMap((r) => [...r.regexes, ...r.patterns].flatMap((x) => portabilityProblems(x).map((p) => `${r.id}: ${p}`)));
    expect(record('portability', failures)).toEqual([]);
  });

  it('matches every positive sample over its secret and no negative sample (JavaScript)', () => {
    expect(record('samples (js)', compiled.flatMap(sampleFailures))).toEqual([]);
  });

  it('matches no innocent value (JavaScript)', () => {
    const failures: string[] = [];
    for (const c of compiled) {
      for (const innocent of innocents) {
        const match = firstMatch(c, innocent);
        if (match !== undefined) failures.push(`${c.rule.id}: matched ${JSON.stringify(match)} in innocent ${JSON.stringify(innocent)}`);
      }
    }
    expect(record('innocents (js)', failures)).toEqual([]);
  });

  it("matches fresh values generated from every rule's shape, which carry a keyword (JavaScript)", () => {
    const failures = generated.flatMap(({ rule, value }) => {
      const c = compiled.find((x) => x.rule === rule);
      const problem = c && coverageProblem(rule, value, firstMatch(c, value.text));
      const out = problem === undefined ? [] : [`${rule.id}: generated ${JSON.stringify(value.text)}: ${problem}`];
      if (rule.keywords.length > 0 && !rule.keywords.some((k) => value.text.toLowerCase().includes(k))) {
        out.push(`${rule.id}: generated ${JSON.stringify(value.text)} contains none of the keywords`);
      }
      return out;
    });
    expect(record('generated (js)', failures)).toEqual([]);
  });

  it('matches every positive sample inside JSON strings, one and two levels deep (JavaScript)', () => {
    const failures = escapedSamples.flatMap(({ rule, depth, sample }) => {
      const problem = coverageProblem(rule, sample, firstMatch(compiled[rules.indexOf(rule)]!, sample.text));
      return problem === undefined ? [] : [`${rule.id}: ${JSON.stringify(sample.text)} (JSON depth ${depth}): ${problem}`];
    });
    expect(record('json-escaped (js)', failures)).toEqual([]);
  });

  it.skipIf(!hasGo)('compiles every pattern with Go regexp and agrees with JavaScript on every sample, escaped sample, innocent and generated value', () => {
    interface Expectation {
      readonly rule: SecretRule;
      readonly what: string;
      /** A sample whose secret the match must cover, or null when nothing may match. */
      readonly sample: SecretSample | null;
    }
    // Every pattern of a rule is probed; the rule's match is that of its first pattern that matches.
    const patterns = rules.flatMap((r) => r.patterns.map((regex) => ({ id: r.id, regex })));
    const firstPattern = rules.map((_, i) => rules.slice(0, i).reduce((n, r) => n + r.patterns.length, 0));
    const probes: GoProbe[] = [];
    const expectations: Expectation[] = [];
    const add = (index: number, text: string, what: string, sample: SecretSample | null): void => {
      const rule = rules[index] as SecretRule;
      for (let k = 0; k < rule.patterns.length; k++) probes.push({ pattern: (firstPattern[index] as number) + k, text });
      expectations.push({ rule, what, sample });
    };
    for (const [i, rule] of rules.entries()) {
      for (const [k, s] of rule.samples.positive.entries()) add(i, s.text, `positive[${k}]`, s);
      for (const [k, text] of rule.samples.negative.entries()) add(i, text, `negative[${k}]`, null);
      for (const text of innocents) add(i, text, `innocent ${JSON.stringify(text)}`, null);
    }
    for (const { rule, value } of generated) add(rules.indexOf(rule), value.text, `generated ${JSON.stringify(value.text)}`, value);
    for (const { rule, depth, sample } of escapedSamples) add(rules.indexOf(rule), sample.text, `JSON depth ${depth} ${JSON.stringify(sample.text)}`, sample);

    const response = runGoRegexp({ patterns, probes });
    const failures = response.compileErrors.map((e) => `${e.id}: Go regexp.Compile: ${e.error}`);
    let probe = 0;
    expectations.forEach(({ rule, what, sample }) => {
      const text = probes[probe]!.text;
      const matches = response.matches.slice(probe, probe + rule.patterns.length);
      probe += rule.patterns.length;
      const goMatch = matches.find((m) => m !== null) ?? undefined;
      const jsMatch = firstMatch(compiled[rules.indexOf(rule)]!, text);
      if (goMatch !== jsMatch) failures.push(`${rule.id}: ${what}: Go matched ${JSON.stringify(goMatch)}, JavaScript ${JSON.stringify(jsMatch)}`);
      if (sample === null) {
        if (goMatch !== undefined) failures.push(`${rule.id}: ${what}: Go matched ${JSON.stringify(goMatch)}`);
      } else {
        const problem = coverageProblem(rule, sample, goMatch);
        if (problem !== undefined) failures.push(`${rule.id}: ${what}: Go ${problem}`);
      }
    });
    expect(response.goVersion).toMatch(/^go\d/);
    expect(record('go regexp', failures)).toEqual([]);
  });
});
