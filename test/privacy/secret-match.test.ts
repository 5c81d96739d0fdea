import { describe, expect, it } from 'vitest';

import { compileSecretRules, coverageProblem, redactText, sampleFailures } from '../../tools/privacy/secret-match.js';
import { goPatterns } from '../../tools/privacy/secret-casing.js';
import type { SecretRule } from '../../tools/privacy/secret-rules.js';

function rule(overrides: Partial<SecretRule> & { regex?: string }): SecretRule {
  const { regex = 'tok_[a-z]{4}', ...rest } = overrides;
  return {
    id: 'demo',
    description: 'demo',
    regexes: [regex],
    patterns: goPatterns(regex),
    keywords: ['tok_'],
    masks: 'value',
    generate: ['tok_{{lower:4}}'],
    samples: { positive: [], negative: [] },
    ...rest,
  };
}

describe('secret rule checks', () => {
  it('reports each way samples can disagree with the regex', () => {
    const broken = rule({
      samples: {
        positive: [
          { text: 'tok_abc', secret: 'tok_abc' },
          { text: 'x tok_abcd', secret: 'tok_abcd' },
          { text: 'tok_abcdef', secret: 'tok_abcdef' },
          { text: 'TOKEN abcd', secret: 'abcd' },
        ],
        negative: ['tok_wxyz', 'tok_'],
      },
    });
    const failures = sampleFailures(compileSecretRules([broken])[0]!);
    expect(failures).toEqual([
      'demo: positive[0] "tok_abc": no match',
      'demo: positive[2] "tok_abcdef": matched "tok_abcd", expected exactly the secret',
      'demo: positive[3] "TOKEN abcd": no match',
      'demo: positive[3] contains none of the keywords',
      'demo: negative[0] "tok_wxyz" matched "tok_wxyz"',
    ]);
  });

  it('lets a match rule take context but not miss part of the secret', () => {
    const r = rule({ masks: 'match', regex: 'key=[a-z]{4}' });
    expect(coverageProblem(r, { text: 'key=abcd', secret: 'abcd' }, 'key=abcd')).toBeUndefined();
    expect(coverageProblem(r, { text: 'key=abcdef', secret: 'abcdef' }, 'key=abcd')).toContain('does not cover the secret');
    expect(coverageProblem(r, { text: 'x', secret: 'x' }, undefined)).toBe('no match');
  });

  it("redacts every match of every rule, in rule order, with the processor's mask", () => {
    const rules = compileSecretRules([rule({ id: 'long', regex: 'tok_[a-z]{4}' }), rule({ id: 'assignment', masks: 'match', regex: '(?i)token=[^ ]+' })]);
    expect(redactText(rules, 'a tok_abcd b tok_wxyz TOKEN=tok_efgh c')).toBe('a **** b **** **** c');
    expect(redactText(rules, 'nothing here')).toBe('nothing here');
    expect(redactText(rules, 'tok_abcd', '[x]')).toBe('[x]');
  });
});
