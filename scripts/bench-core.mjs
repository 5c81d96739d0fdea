#!/usr/bin/env node
// Control-plane benchmark: whole-process time of `validate` and `lint` on every golden config
// (target < 300 ms without the Collector), and the Collector build: cached, rebuilt with warm Go
// caches, and (with --cold) rebuilt with empty Go module and build caches. Prints medians.
//
// Also lint on the public corpus (test/corpus/collector-configs): one file, and 30 files in one
// call (target: 300 ms and 1 s, whole process). --lint-only skips validate and the Collector build.
//
//   npm run build && node scripts/bench-core.mjs [--runs 9] [--cold] [--lint-only]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 9;
const cold = args.includes('--cold');
const lintOnly = args.includes('--lint-only');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timeRun(argv, options = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', ...options });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  // lint exits 1 when it finds errors; that is a result, not a failure of the run.
  if (r.status !== 0 && !(options.okStatus ?? [0]).includes(r.status)) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function timeMany(argv, options) {
  timeRun(argv, options); // warm-up: page cache, not counted
  const xs = Array.from({ length: runs }, () => timeRun(argv, options));
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

const corpusDir = join(root, 'test', 'corpus', 'collector-configs');
const corpus = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('planted-'))
  .sort()
  .map((f) => join(corpusDir, f));
const corpusOne = timeMany(['node', cli, 'lint', corpus[0]], { okStatus: [0, 1] });
const corpus30 = timeMany(['node', cli, 'lint', '--separate', ...corpus.slice(0, 30)], { okStatus: [0, 1] });
console.log(`lint, whole process, ${runs} runs each after a warm-up`);
console.log(`one corpus file: median ${corpusOne.median.toFixed(0)} ms (min ${corpusOne.min.toFixed(0)}, max ${corpusOne.max.toFixed(0)}); target 300 ms`);
console.log(`30 corpus files in one call: median ${corpus30.median.toFixed(0)} ms (min ${corpus30.min.toFixed(0)}, max ${corpus30.max.toFixed(0)}); target 1000 ms`);
if (lintOnly) process.exit(0);
console.log('');

const golden = join(root, 'configs', 'golden');
const variants = readdirSync(golden)
  .filter((d) => statSync(join(golden, d)).isDirectory())
  .sort();
const rows = [];
const fmt = (ms) => `${ms.toFixed(0)} ms`;

const validate = variants.map((v) => timeMany(['node', cli, 'validate', '-f', join(golden, v, 'telemetry-stack.yaml')]));
rows.push(['validate (per golden stack file)', fmt(median(validate.map((r) => r.median))), fmt(Math.min(...validate.map((r) => r.min))), fmt(Math.max(...validate.map((r) => r.max)))]);
const lintOne = variants.map((v) => timeMany(['node', cli, 'lint', join(golden, v, 'collector.yaml')]));
rows.push(['lint (one golden collector.yaml)', fmt(median(lintOne.map((r) => r.median))), fmt(Math.min(...lintOne.map((r) => r.min))), fmt(Math.max(...lintOne.map((r) => r.max)))]);
const lintAll = timeMany(['node', cli, 'lint', ...variants.map((v) => join(golden, v, 'collector.yaml'))]);
rows.push([`lint (all ${variants.length} golden configs at once)`, fmt(lintAll.median), fmt(lintAll.min), fmt(lintAll.max)]);
const node = timeMany(['node', '-e', '0']);
rows.push(['node -e 0 (floor)', fmt(node.median), fmt(node.min), fmt(node.max)]);

console.log(`control plane, whole process, ${runs} runs each after a warm-up`);
console.log(['command', 'median', 'min', 'max'].join('\t'));
for (const r of rows) console.log(r.join('\t'));
console.log(`target: validate and lint < 300 ms; validate median ${fmt(median(validate.map((r) => r.median)))}, ratio to target ${(median(validate.map((r) => r.median)) / 300).toFixed(2)}`);

const build = (extraEnv, force) => {
  const t = process.hrtime.bigint();
  const r = spawnSync('node', [cli, 'collector', 'build', '--json', ...(force ? ['--force'] : [])], { encoding: 'utf8', env: { ...process.env, ...extraEnv } });
  if (r.status !== 0) throw new Error(`collector build failed: ${r.stderr}`);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, ...JSON.parse(r.stdout) };
};

console.log('\nCollector build');
const cached = build({}, false);
console.log(`cached lookup: ${cached.seconds.toFixed(2)} s, binary ${(cached.bytes / 1048576).toFixed(1)} MiB at ${cached.path}`);
const warm = build({}, true);
console.log(`rebuild, warm Go caches: ${warm.seconds.toFixed(1)} s`);
if (cold) {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-cold-'));
  try {
    const c = build({ GOMODCACHE: join(dir, 'mod'), GOCACHE: join(dir, 'build'), TELEMETRY_STACK_CACHE_DIR: join(dir, 'cache') }, true);
    console.log(`cold build (empty Go module and build caches, modules downloaded): ${c.seconds.toFixed(1)} s, ${(c.bytes / 1048576).toFixed(1)} MiB`);
  } finally {
    spawnSync('chmod', ['-R', 'u+w', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log('cold build: pass --cold to measure (downloads every module into empty caches; minutes)');
}
