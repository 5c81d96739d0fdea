import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { defaultInnocentsPath, parseSecretInnocents } from '../../tools/privacy/secret-innocents.js';
import { findPackageRoot } from '../../tools/privacy/secret-paths.js';
import { SecretRulesError, defaultSecretRulesPath, loadSecretRules, parseSecretRules } from '../../tools/privacy/secret-rules.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const invalidFixture = join(here, 'fixtures', 'rules-invalid.yaml');

describe('secret rules file', () => {
  it('is found from the source tree and from the built tree by walking up to package.json', () => {
    expect(defaultSecretRulesPath()).toBe(join(repoRoot, 'configs', 'secrets', 'rules.yaml'));
    expect(defaultInnocentsPath()).toBe(join(repoRoot, 'configs', 'secrets', 'innocents.yaml'));
    expect(findPackageRoot(join(repoRoot, 'cli', 'privacy'))).toBe(repoRoot);
    expect(findPackageRoot(join(repoRoot, 'dist', 'cli', 'privacy'))).toBe(repoRoot);
  });

  it('stops at the nearest package.json and reports none when there is none', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'secret-paths-'));
    try {
      mkdirSync(join(tmp, 'pkg', 'dist', 'cli', 'privacy'), { recursive: true });
      writeFileSync(join(tmp, 'pkg', 'package.json'), '{}');
      expect(findPackageRoot(join(tmp, 'pkg', 'dist', 'cli', 'privacy'))).toBe(join(tmp, 'pkg'));
      expect(findPackageRoot(tmp)).toBeUndefined();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reports every problem of a broken file at once, each with its line and path', () => {
    let error: unknown;
    try {
      loadSecretRules(invalidFixture);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SecretRulesError);
    const problems = (error as SecretRulesError).problems;
    const expected: [number, string][] = [
      [2, 'version: must be 1'],
      [4, 'rules[0].id: "Bad_Id" is not kebab-case'],
      [5, 'rules[0] (Bad_Id).description: must not be empty'],
      [6, 'rules[0] (Bad_Id).regex: lookbehind is not supported by RE2'],
      [7, 'rules[0] (Bad_Id).masks: must be "value" or "match", not "sometimes"'],
      [8, 'rules[0] (Bad_Id).generate: unknown class "nope"'],
      [10, 'rules[0] (Bad_Id).samples.positive: needs at least 2 samples'],
      [14, 'rules[1] (dup).regex: matches the empty string'],
      [18, 'rules[1] (dup).samples.positive[1].secret: is not part of text'],
      [20, 'rules[1].colour: unknown key'],
      [21, 'rules[2].id: duplicate id "dup" (first at rules[1])'],
      [23, 'rules[2] (dup).regex: does not compile'],
      [27, 'rules[3].id: is required'],
      [28, 'rules[3].regex: repeat count above 1000'],
    ];
    for (const [line, text] of expected) {
      expect(
        problems.some((p) => p.startsWith(`${invalidFixture}:${line}: `) && p.includes(text)),
        `${line}: ${text}\n${problems.join('\n')}`,
      ).toBe(true);
    }
    expect((error as Error).message.split('\n').length).toBe(problems.length + 1);
  });

  it('keeps the valid rules of a broken file when parsed without throwing', () => {
    const source = `version: 1
rules:
  - id: good-rule
    description: fine
    regex: 'tok_[a-z]{4}'
    masks: value
    generate: 'tok_{{lower:4}}'
    samples: {positive: ['tok_abcd', {text: 'x tok_wxyz', secret: 'tok_wxyz'}], negative: ['tok_ab', 'TOK_abcd']}
  - id: broken
  - id: lookahead
    description: fails the portability check
    regex: 'tok_(?=x)'
    masks: value
    generate: 'tok_x'
    samples: {positive: ['tok_x', 'tok_x'], negative: ['tok', 'tok']}
`;
    const { rules, problems } = parseSecretRules(source, 'inline.yaml');
    expect(rules.map((r) => r.id)).toEqual(['good-rule']);
    expect(rules[0]?.samples.positive).toEqual([
      { text: 'tok_abcd', secret: 'tok_abcd' },
      { text: 'x tok_wxyz', secret: 'tok_wxyz' },
    ]);
    expect(rules[0]?.keywords).toEqual([]);
    expect(problems.length).toBeGreaterThanOrEqual(5);
    expect(problems.filter((p) => !p.startsWith('inline.yaml:9: rules[1] (broken).'))).toEqual(['inline.yaml:12: rules[2] (lookahead).regex: lookahead is not supported by RE2']);
  });

  it('reads a list of patterns, spells out a (?i) keyword, and refuses an empty list', () => {
    const rule = (id: string, regex: string) => `  - id: ${id}
    description: d
    regex: ${regex}
    masks: match
    generate: 'key={{lower:4}}'
    samples: {positive: [{text: 'key=abcd', secret: 'abcd'}, {text: 'TOKEN=abcd', secret: 'abcd'}], negative: ['key=ab', 'other']}
`;
    const source = `version: 1\nrules:\n${rule('listed', "['key=[a-z]{4}', '(?i)token=[a-z]{4}']")}${rule('empty', '[]')}`;
    const { rules, problems } = parseSecretRules(source, 'list.yaml');
    expect(rules.map((r) => r.id)).toEqual(['listed']);
    expect(rules[0]?.regexes).toEqual(['key=[a-z]{4}', '(?i)token=[a-z]{4}']);
    expect(rules[0]?.patterns).toEqual(['key=[a-z]{4}', 'token=[A-Za-z]{4}', 'TOKEN=[A-Za-z]{4}', 'Token=[A-Za-z]{4}']);
    expect(problems).toEqual(['list.yaml:11: rules[1] (empty).regex: needs at least one pattern']);
  });

  it('reports YAML syntax errors with their line', () => {
    const { rules, problems } = parseSecretRules('version: 1\nrules:\n  - id: [unclosed\n', 'syntax.yaml');
    expect(rules).toEqual([]);
    expect(problems[0]).toMatch(/^syntax\.yaml:\d+: /);
  });

  it('names a missing file in the error', () => {
    expect(() => loadSecretRules(join(here, 'fixtures', 'missing.yaml'))).toThrow(/missing\.yaml: 1 problem:\n.*cannot read/);
  });

  it('validates the innocents file shape', () => {
    const { groups, problems } = parseSecretInnocents('version: 1\ninnocents:\n  - category: x\n    values: [1]\n', 'innocents.yaml');
    expect(groups).toEqual([]);
    expect(problems).toEqual(['innocents.yaml:3: innocents[0].why: is required', 'innocents.yaml:4: innocents[0].values[0]: expected a string']);
  });
});
