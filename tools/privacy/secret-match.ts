// Running secret rules the way the redaction processor does (each blocked_values pattern in
// order, every non-overlapping match replaced), with JavaScript's RegExp. Go is the engine that
// counts; the patterns keep to syntax both read alike (secret-regex.ts) and the tests compare the
// two engines on every sample, so this is the quick, in-process approximation.

import type { SecretRule, SecretSample } from './secret-rules.js';
import { toJsRegExp } from './secret-regex.js';

export interface CompiledSecretRule {
  readonly rule: SecretRule;
  /** Per pattern the Collector runs, non-global: exec finds the leftmost match, like Go's FindString. */
  readonly first: readonly RegExp[];
  /** Per pattern, global: replace masks every match, like Go's ReplaceAllString. */
  readonly all: readonly RegExp[];
}

export function compileSecretRules(rules: readonly SecretRule[]): CompiledSecretRule[] {
  return rules.map((rule) => ({
    rule,
    first: rule.patterns.map((p) => toJsRegExp(p)),
    all: rule.patterns.map((p) => toJsRegExp(p, 'g')),
  }));
}

/** The leftmost match of the rule's first pattern that matches at all (patterns run in order). */
export function firstMatch(compiled: CompiledSecretRule, text: string): string | undefined {
  for (const re of compiled.first) {
    const m = re.exec(text);
    if (m !== null) return m[0];
  }
  return undefined;
}

/** The processor's default mask. */
export const MASK = '****';

/** Applies every rule in order, as the redaction processor applies blocked_values. */
export function redactText(compiled: readonly CompiledSecretRule[], text: string, mask = MASK): string {
  let out = text;
  for (const c of compiled) for (const re of c.all) out = out.replace(re, () => mask);
  return out;
}

/**
 * Whether a rule's first match masks a sample's secret the way its `masks` field promises:
 * exactly the secret for "value", the secret and some context for "match".
 */
export function coverageProblem(rule: SecretRule, sample: SecretSample, match: string | undefined): string | undefined {
  if (match === undefined) return 'no match';
  if (rule.masks === 'value' && match !== sample.secret) return `matched ${JSON.stringify(match)}, expected exactly the secret`;
  if (rule.masks === 'match' && !match.includes(sample.secret)) return `matched ${JSON.stringify(match)}, which does not cover the secret`;
  return undefined;
}

/** Every way a rule's own samples and keywords disagree with its regex, under JavaScript. */
export function sampleFailures(compiled: CompiledSecretRule): string[] {
  const { rule } = compiled;
  const failures: string[] = [];
  rule.samples.positive.forEach((sample, i) => {
    const problem = coverageProblem(rule, sample, firstMatch(compiled, sample.text));
    if (problem !== undefined) failures.push(`${rule.id}: positive[${i}] ${JSON.stringify(sample.text)}: ${problem}`);
    if (rule.keywords.length > 0 && !rule.keywords.some((k) => sample.text.toLowerCase().includes(k))) {
      failures.push(`${rule.id}: positive[${i}] contains none of the keywords`);
    }
  });
  rule.samples.negative.forEach((text, i) => {
    const match = firstMatch(compiled, text);
    if (match !== undefined) failures.push(`${rule.id}: negative[${i}] ${JSON.stringify(text)} matched ${JSON.stringify(match)}`);
  });
  return failures;
}
