import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintCollectorConfig } from '../../cli/lint/lint.js';
import { LINT_RULES } from '../../cli/lint/rules/index.js';

const dir = join(import.meta.dirname, '..', 'corpus', 'collector-configs');
const configs = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

/** Same scoring as scripts/lint-corpus.mjs, on the sources rather than dist/. */
function score() {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const name of configs) {
    const got = lintCollectorConfig(name, readFileSync(join(dir, name), 'utf8'), { env: {} }).map((f) => `${f.line} ${f.rule}`);
    const left = readFileSync(join(dir, name.replace(/\.yaml$/, '.expected')), 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    for (const g of got) {
      const i = left.indexOf(g);
      if (i >= 0) {
        tp++;
        left.splice(i, 1);
      } else fp++;
    }
    fn += left.length;
  }
  return { precision: tp / (tp + fp), recall: tp / (tp + fn) };
}

describe('lint corpus (real public Collector configs and planted faults)', () => {
  it('holds at least 30 real configs, each with its source and reviewed expectations', () => {
    const sources = readFileSync(join(dir, 'SOURCES.md'), 'utf8');
    const real = configs.filter((c) => !c.startsWith('planted-'));
    expect(real.length).toBeGreaterThanOrEqual(30);
    for (const c of configs) expect(sources).toContain(`| ${c} |`);
  });

  it('plants at least one fault per rule', () => {
    for (const rule of LINT_RULES) expect(configs).toContain(`planted-${rule.id}.yaml`);
    for (const rule of LINT_RULES) {
      const expected = readFileSync(join(dir, `planted-${rule.id}.expected`), 'utf8');
      expect(expected).toContain(` ${rule.id}`);
    }
  });

  it('precision and recall are at least 0.95', () => {
    const { precision, recall } = score();
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });
});
