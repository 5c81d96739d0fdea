import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvFile } from '../../cli/lint/env.js';
import { lintCollectorConfigs } from '../../cli/lint/lint.js';
import { LINT_RULES } from '../../cli/lint/rules/index.js';
// The script's own scoring (sets, .env files), run on the sources rather than dist/.
// @ts-expect-error: build tooling in plain ESM, without type declarations
import { corpusEntries, scoreCorpus } from '../../scripts/lint-corpus.mjs';

const dir = join(import.meta.dirname, '..', 'corpus', 'collector-configs');
const configs = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('lint corpus (real public Collector configs and planted faults)', () => {
  it('holds at least 45 real configs, each with its source and reviewed expectations', () => {
    const sources = readFileSync(join(dir, 'SOURCES.md'), 'utf8');
    const real = configs.filter((c) => !c.startsWith('planted-'));
    expect(real.length).toBeGreaterThanOrEqual(45);
    for (const c of configs) expect(sources).toContain(`| ${c} |`);
    for (const e of corpusEntries(dir)) expect(readdirSync(dir)).toContain(`${e.name}.expected`);
  });

  it('lints base and overlay sets merged, as the Collector runs them', () => {
    const sets = corpusEntries(dir).filter((e: { files: string[] }) => e.files.length > 1);
    expect(sets.length).toBeGreaterThanOrEqual(2);
    for (const s of sets) {
      const expected = readFileSync(join(dir, `${s.name}.expected`), 'utf8');
      expect(expected).not.toMatch(/ undefined-component/);
    }
  });

  it('plants at least one fault per rule', () => {
    for (const rule of LINT_RULES) expect(configs).toContain(`planted-${rule.id}.yaml`);
    for (const rule of LINT_RULES) {
      const expected = readFileSync(join(dir, `planted-${rule.id}.expected`), 'utf8');
      expect(expected).toContain(` ${rule.id}`);
    }
  });

  it('precision and recall are at least 0.95', () => {
    const { precision, recall } = scoreCorpus({ lintCollectorConfigs, readEnvFile }, { dir });
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });
});
