import { isIPv4, isIPv6 } from 'node:net';

import { describe, expect, it } from 'vitest';

import { generateCorpus } from '../../tools/privacy/corpus.js';
import type { CorpusItem } from '../../tools/privacy/corpus.js';
import { compileSecretRules, firstMatch, redactText } from '../../tools/privacy/secret-match.js';
import type { CompiledSecretRule } from '../../tools/privacy/secret-match.js';
import { loadSecretRules } from '../../tools/privacy/secret-rules.js';
import { goAvailable, runGoRegexp } from './go-regexp.js';

const SEED = 20261122;
const PER_RULE = 4;
const PER_KIND = 25;
// A planted secret is gone only if no stretch of it this long survives, so a rule that masks
// half a key fails too. Stretches that also occur in the template's own text do not count.
const FRAGMENT = 10;

const rules = loadSecretRules();
const compiled = compileSecretRules(rules);
const corpus = generateCorpus({ seed: SEED, perRule: PER_RULE, perKind: PER_KIND, rules });
const secretItems = corpus.filter((item) => item.kind === 'secret');

function allMatches(c: CompiledSecretRule, text: string): string[] {
  return c.all.flatMap((re) => [...text.matchAll(re)].map((m) => m[0]));
}

/** Rules with a match that covers the planted value. */
function coveringRules(text: string, planted: string): string[] {
  return compiled.filter((c) => allMatches(c, text).some((m) => m.includes(planted))).map((c) => c.rule.id);
}

function leaks(item: CorpusItem, redacted: string): string[] {
  const problems: string[] = [];
  let context = item.text;
  for (const planted of item.planted) context = context.split(planted).join('\u0000');
  for (const planted of item.planted) {
    if (redacted.includes(planted)) {
      problems.push(`planted ${JSON.stringify(planted)} survived`);
      continue;
    }
    for (let i = 0; i + FRAGMENT <= planted.length; i++) {
      const fragment = planted.slice(i, i + FRAGMENT);
      if (redacted.includes(fragment) && !context.includes(fragment)) {
        problems.push(`part ${JSON.stringify(fragment)} of planted ${JSON.stringify(planted)} survived`);
        break;
      }
    }
  }
  for (const innocent of item.innocents) {
    if (!redacted.includes(innocent)) problems.push(`innocent ${JSON.stringify(innocent)} was masked`);
  }
  return problems;
}

function describeItem(item: CorpusItem): string {
  return `${item.kind}${item.ruleId === undefined ? '' : ` (${item.ruleId})`} ${JSON.stringify(item.text)}`;
}

describe('corpus', () => {
  it('is the same for the same seed and different for another', () => {
    expect(generateCorpus({ seed: SEED, perRule: PER_RULE, perKind: PER_KIND, rules })).toEqual(corpus);
    const other = generateCorpus({ seed: SEED + 1, perRule: PER_RULE, perKind: PER_KIND, rules });
    expect(other.length).toBe(corpus.length);
    expect(other.filter((item, i) => item.text === corpus[i]?.text).length).toBeLessThan(corpus.length / 10);
  });

  it('has every kind, and perRule fresh secrets for every rule', () => {
    const kinds = new Map<string, number>();
    for (const item of corpus) kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
    expect(Object.fromEntries(kinds)).toEqual({
      secret: rules.length * PER_RULE,
      innocent: PER_KIND,
      email: PER_KIND,
      ipv4: PER_KIND,
      ipv6: PER_KIND,
      'home-path': PER_KIND,
    });
    for (const rule of rules) {
      const items = secretItems.filter((item) => item.ruleId === rule.id);
      expect(items, rule.id).toHaveLength(PER_RULE);
      const sampleSecrets = new Set(rule.samples.positive.map((s) => s.secret));
      for (const item of items) expect(sampleSecrets.has(item.planted[0] ?? ''), `${rule.id} reused a sample`).toBe(false);
    }
    for (const item of corpus) {
      for (const s of [...item.planted, ...item.innocents]) expect(item.text, describeItem(item)).toContain(s);
    }
  });

  it('rejects counts that are not non-negative integers', () => {
    expect(() => generateCorpus({ seed: 1, perRule: -1, rules })).toThrow(RangeError);
    expect(() => generateCorpus({ seed: 1, perRule: 1, perKind: 1.5, rules })).toThrow(RangeError);
  });

  it('plants values of the right shape for personal data', () => {
    const checks: Record<string, (v: string) => boolean> = {
      email: (v) => /^[a-z0-9._+]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(v),
      ipv4: (v) => isIPv4(v),
      ipv6: (v) => isIPv6(v),
      // JSON templates escape the Windows backslashes.
      'home-path': (v) => /^(?:\/home\/|\/Users\/|C:\\{1,2}Users\\{1,2})[a-z.]+$/.test(v),
    };
    for (const item of corpus) {
      const check = checks[item.kind];
      if (check === undefined) continue;
      expect(item.planted, describeItem(item)).toHaveLength(1);
      expect(check(item.planted[0] ?? ''), describeItem(item)).toBe(true);
    }
  });

  it('has every planted secret matched by its own rule and at least one rule (JavaScript)', () => {
    const failures: string[] = [];
    for (const item of secretItems) {
      for (const planted of item.planted) {
        const covering = coveringRules(item.text, planted);
        if (!covering.includes(item.ruleId ?? '')) {
          failures.push(`${describeItem(item)}: own rule does not cover ${JSON.stringify(planted)} (covered by: ${covering.join(', ') || 'none'})`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('has no innocent matched by any rule (JavaScript)', () => {
    const failures: string[] = [];
    for (const innocent of new Set(corpus.flatMap((item) => item.innocents))) {
      for (const c of compiled) {
        const match = firstMatch(c, innocent);
        if (match !== undefined) failures.push(`${c.rule.id}: matched ${JSON.stringify(match)} in innocent ${JSON.stringify(innocent)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('loses every planted secret and keeps every innocent when all rules run in order (JavaScript)', () => {
    const failures = secretItems.concat(corpus.filter((item) => item.kind !== 'secret')).flatMap((item) => {
      const planted = item.kind === 'secret' ? item : { ...item, planted: [] };
      return leaks(planted, redactText(compiled, item.text)).map((p) => `${describeItem(item)}: ${p}`);
    });
    expect(failures).toEqual([]);
  });

  it.skipIf(!goAvailable())('loses every planted secret and keeps every innocent under Go regexp, as in the Collector', () => {
    const response = runGoRegexp({ patterns: rules.flatMap((r) => r.patterns.map((regex) => ({ id: r.id, regex }))), redact: corpus.map((item) => item.text) });
    expect(response.compileErrors).toEqual([]);
    const failures = corpus.flatMap((item, i) => {
      const planted = item.kind === 'secret' ? item : { ...item, planted: [] };
      const redacted = response.redacted[i] ?? '';
      const js = redactText(compiled, item.text);
      const disagreement = redacted === js ? [] : [`Go and JavaScript redact differently: Go ${JSON.stringify(redacted)}, JavaScript ${JSON.stringify(js)}`];
      return [...disagreement, ...leaks(planted, redacted)].map((p) => `${describeItem(item)}: ${p}`);
    });
    expect(failures).toEqual([]);
  });
});
