#!/usr/bin/env node
// Lints every config under test/corpus/collector-configs and compares the findings with each
// entry's reviewed <name>.expected, then prints precision (findings that are expected) and recall
// (expected findings that were found).
//
// An entry is either one <name>.yaml, linted alone, or a <name>.set listing several .yaml files
// (one a line, in --config order) linted merged the way the Collector merges them; a file listed
// in a set is not linted alone, since the Collector never runs an overlay by itself. Expected
// lines are `line rule` for a lone file and `file:line rule` for a set. A <name>.env beside an
// entry gives the environment it is linted with (NAME=value lines); otherwise none.
//
//   npm run build && node scripts/lint-corpus.mjs [--json] [--write-missing]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const corpusDir = join(import.meta.dirname, '..', 'test', 'corpus', 'collector-configs');

/** The entries to score: sets first named by their .set file, then every file no set lists. */
export function corpusEntries(dir = corpusDir) {
  const names = readdirSync(dir).sort();
  const sets = names
    .filter((f) => f.endsWith('.set'))
    .map((f) => ({
      name: f.replace(/\.set$/, ''),
      files: readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .map((l) => l.replace(/#.*/, '').trim())
        .filter(Boolean),
    }));
  const inSet = new Set(sets.flatMap((s) => s.files));
  for (const s of sets) for (const f of s.files) if (!names.includes(f)) throw new Error(`${s.name}.set: lists ${f}, which is not in the corpus`);
  const single = names.filter((f) => f.endsWith('.yaml') && !inSet.has(f)).map((f) => ({ name: f.replace(/\.yaml$/, ''), files: [f] }));
  return [...sets, ...single];
}

/**
 * Scores the corpus with the given linter (dist/ from the script, the sources from the unit test)
 * so both report the same figures.
 */
export function scoreCorpus({ lintCollectorConfigs, readEnvFile }, { dir = corpusDir, writeMissing = false } = {}) {
  const entries = corpusEntries(dir);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const misses = [];
  for (const entry of entries) {
    const envFile = join(dir, `${entry.name}.env`);
    const env = existsSync(envFile) ? readEnvFile(envFile) : {};
    const sources = entry.files.map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
    const alone = entry.files.length === 1;
    const got = lintCollectorConfigs(sources, { env }).map((f) => `${alone ? '' : `${f.file}:`}${f.line} ${f.rule}`);
    const expectedFile = join(dir, `${entry.name}.expected`);
    if (!existsSync(expectedFile)) {
      if (writeMissing) writeFileSync(expectedFile, got.join('\n') + (got.length ? '\n' : ''));
      else throw new Error(`${expectedFile}: missing; review the findings and write one "line rule" per line`);
    }
    const expected = readFileSync(expectedFile, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean);
    const left = [...expected];
    for (const g of got) {
      const i = left.indexOf(g);
      if (i >= 0) {
        tp++;
        left.splice(i, 1);
      } else {
        fp++;
        misses.push(`${entry.name}: unexpected ${g}`);
      }
    }
    fn += left.length;
    for (const l of left) misses.push(`${entry.name}: missed ${l}`);
  }
  const configs = new Set(entries.flatMap((e) => e.files)).size;
  return { configs, entries: entries.length, sets: entries.filter((e) => e.files.length > 1).length, tp, fp, fn, precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn), misses };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, '..');
  const { lintCollectorConfigs } = await import(join(root, 'dist', 'cli', 'lint', 'lint.js'));
  const { readEnvFile } = await import(join(root, 'dist', 'cli', 'lint', 'env.js'));
  const r = scoreCorpus({ lintCollectorConfigs, readEnvFile }, { writeMissing: process.argv.includes('--write-missing') });
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else {
    for (const m of r.misses) console.log(m);
    console.log(
      `${r.configs} configs in ${r.entries} lint runs (${r.sets} merged sets): ${r.tp} expected findings found, ${r.fp} unexpected, ${r.fn} missed; precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)}`,
    );
  }
}
