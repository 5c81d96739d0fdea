#!/usr/bin/env node
// Lints every config under test/corpus/collector-configs and compares the findings with each
// file's reviewed <name>.expected (one `line rule` per expected finding), then prints precision
// (findings that are expected) and recall (expected findings that were found). A <name>.env
// beside a config gives the environment it is linted with (NAME=value lines); otherwise none.
//
//   npm run build && node scripts/lint-corpus.mjs [--json] [--write-missing]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'test', 'corpus', 'collector-configs');
const { lintCollectorConfig } = await import(join(root, 'dist', 'cli', 'lint', 'lint.js'));
const { readEnvFile } = await import(join(root, 'dist', 'cli', 'lint', 'env.js'));

export function scoreCorpus() {
  const configs = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const misses = [];
  for (const name of configs) {
    const base = name.replace(/\.yaml$/, '');
    const envFile = join(dir, `${base}.env`);
    const env = existsSync(envFile) ? readEnvFile(envFile) : {};
    const got = lintCollectorConfig(name, readFileSync(join(dir, name), 'utf8'), { env }).map((f) => `${f.line} ${f.rule}`);
    const expectedFile = join(dir, `${base}.expected`);
    if (!existsSync(expectedFile)) {
      if (process.argv.includes('--write-missing')) writeFileSync(expectedFile, got.join('\n') + (got.length ? '\n' : ''));
      else throw new Error(`${expectedFile}: missing; review the findings and write one "line rule" per line`);
    }
    const expected = readFileSync(expectedFile, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    const left = [...expected];
    for (const g of got) {
      const i = left.indexOf(g);
      if (i >= 0) {
        tp++;
        left.splice(i, 1);
      } else {
        fp++;
        misses.push(`${name}: unexpected ${g}`);
      }
    }
    fn += left.length;
    for (const l of left) misses.push(`${name}: missed ${l}`);
  }
  return { configs: configs.length, tp, fp, fn, precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn), misses };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = scoreCorpus();
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else {
    for (const m of r.misses) console.log(m);
    console.log(`${r.configs} configs: ${r.tp} expected findings found, ${r.fp} unexpected, ${r.fn} missed; precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)}`);
  }
}
