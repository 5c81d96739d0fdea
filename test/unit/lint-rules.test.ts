import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatFindings } from '../../cli/lint/format.js';
import { lintCollectorConfig, lintFails } from '../../cli/lint/lint.js';
import { LINT_RULES } from '../../cli/lint/rules/index.js';
import { LINT_FIXTURE_ENV, lintFixtureRules, passesFixture, triggersFixture } from '../support/lint-fixtures.js';

const lint = (file: string, env: NodeJS.ProcessEnv = LINT_FIXTURE_ENV) => lintCollectorConfig(file, readFileSync(file, 'utf8'), { env });

describe('lint rules', () => {
  it('every rule has a fixture pair, and every fixture pair names a rule', () => {
    expect(lintFixtureRules()).toEqual(LINT_RULES.map((r) => r.id).sort());
  });

  for (const rule of LINT_RULES) {
    it(`${rule.id}: triggers.yaml triggers it with a line number`, () => {
      const findings = lint(triggersFixture(rule.id)).filter((f) => f.rule === rule.id);
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) {
        expect(f.line).toBeGreaterThan(1);
        expect(f.message).not.toBe('');
      }
    });

    it(`${rule.id}: passes.yaml is clean under every rule`, () => {
      expect(lint(passesFixture(rule.id))).toEqual([]);
    });
  }

  it('points at the offending line: batch before a file_storage queue', () => {
    const file = triggersFixture('batch-before-persistent-queue');
    const [finding] = lint(file).filter((f) => f.rule === 'batch-before-persistent-queue');
    const line = readFileSync(file, 'utf8').split('\n')[finding!.line - 1]!;
    expect(line).toContain('batch');
    expect(finding!.message).toContain('sending_queue.batch');
  });

  it('treats a removed type as an error and a renamed one as a warning', () => {
    const text = readFileSync(passesFixture('deprecated-type'), 'utf8').replace('exporters:\n', 'exporters:\n  loki:\n    endpoint: http://127.0.0.1:3100/loki/api/v1/push\n');
    const findings = lintCollectorConfig('x.yaml', text, { env: LINT_FIXTURE_ENV }).filter((f) => f.rule === 'deprecated-type');
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    const renamed = lint(triggersFixture('deprecated-type')).filter((f) => f.rule === 'deprecated-type');
    expect(renamed.map((f) => f.severity)).toEqual(['warning']);
  });

  it('--strict fails on warnings, default does not', () => {
    const findings = lint(triggersFixture('unused-component'));
    expect(findings.every((f) => f.severity === 'warning')).toBe(true);
    expect(lintFails(findings, false)).toBe(false);
    expect(lintFails(findings, true)).toBe(true);
  });

  it('reports YAML syntax errors with their line instead of throwing', () => {
    const findings = lintCollectorConfig('broken.yaml', 'receivers:\n  otlp: [\n', { env: {} });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.rule).toBe('yaml-syntax');
    expect(findings[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('formats github annotations and SARIF', () => {
    const findings = lint(triggersFixture('batch-before-persistent-queue'));
    const github = formatFindings(findings, 'github', 1);
    expect(github).toMatch(/^::error file=.*triggers\.yaml,line=\d+,title=batch-before-persistent-queue::/m);
    const sarif = JSON.parse(formatFindings(findings, 'sarif', 1)) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('batch-before-persistent-queue');
  });
});
