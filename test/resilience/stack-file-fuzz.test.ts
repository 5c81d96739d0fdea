import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../cli/errors.js';
import { renderBundle } from '../../cli/render/bundle.js';
import { filesUnder } from '../../tools/golden.js';
import { loadRenderInputs } from '../../cli/render/inputs.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack } from '../../cli/stack/resolve.js';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { rng } from './fuzz.js';
import { stackFileCases } from './fuzz-stack.js';

const SEED = Number(process.env['TELEMETRY_STACK_FUZZ_SEED'] ?? 20261122);
const IN_PROCESS_CASES = 10_000;
const CLI_CASES = 200;
const CLI_CONCURRENCY = 4;

/** The environment both the in-process loader and the CLI see, so their verdicts can be compared. */
const FUZZ_ENV = { FUZZ_SET: 'set-value', FUZZ_MULTILINE: 'line one\nline: two\n- three' };

describe('fuzzed stack files', () => {
  it(`${IN_PROCESS_CASES} files through parseStackFile, resolve and renderBundle: one-line problems, never a throw`, { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-fuzz-'));
    const inputs = loadRenderInputs();
    const file = join(dir, 'telemetry-stack.yaml');
    const r = rng(SEED);
    const kinds = new Map<string, { cases: number; valid: number; rejected: number }>();
    const throws: string[] = [];
    const badProblems: string[] = [];
    const badRenders: string[] = [];
    let maxProblems = 0;
    const started = Date.now();

    for (const c of stackFileCases(r, IN_PROCESS_CASES, join(dir, 'data'))) {
      const k = kinds.get(c.kind) ?? { cases: 0, valid: 0, rejected: 0 };
      k.cases++;
      kinds.set(c.kind, k);
      try {
        const result = parseStackFile(c.text, file, FUZZ_ENV);
        if (!result.stack) {
          k.rejected++;
          const errors = result.problems.filter((p) => p.severity === 'error');
          maxProblems = Math.max(maxProblems, result.problems.length);
          if (errors.length === 0) badProblems.push(`${c.kind}: rejected without an error`);
          for (const p of result.problems) {
            const line = formatProblem(p);
            if (/[\r\n]/.test(line) || p.message.trim() === '') badProblems.push(`${c.kind}: ${JSON.stringify(line).slice(0, 200)}`);
          }
          continue;
        }
        k.valid++;
        const files = renderBundle(resolveStack(result.stack, file, FUZZ_ENV), inputs, { source: 'fuzz.yaml', toolVersion: '0.0.0' });
        // A value that breaks out of its YAML scalar would change the config's meaning.
        for (const f of files.filter((f) => f.path.endsWith('.yaml'))) parseYaml(f.content);
        if (files.length === 0) badRenders.push(`${c.kind}: no files rendered`);
      } catch (e) {
        if (throws.length < 10) throws.push(`${c.kind}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}\n--- input ---\n${c.text.slice(0, 400)}`);
        else throws.push(c.kind);
      }
    }

    const summary = [...kinds.entries()].sort().map(([kind, k]) => `  ${kind}: ${k.cases} (valid ${k.valid}, rejected ${k.rejected})`);
    console.log(
      `[stack file fuzz, in process] seed ${SEED}: ${IN_PROCESS_CASES} files in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `throws ${throws.length}, malformed problem lists ${badProblems.length}, bad renders ${badRenders.length}, most problems in one file ${maxProblems}\n${summary.join('\n')}`,
    );
    expect(throws).toEqual([]);
    expect(badProblems.slice(0, 10)).toEqual([]);
    expect(badRenders).toEqual([]);
    // The mix must exercise both outcomes, or the run proves little.
    const all = [...kinds.values()];
    expect(all.reduce((n, k) => n + k.valid, 0)).toBeGreaterThan(500);
    expect(all.reduce((n, k) => n + k.rejected, 0)).toBeGreaterThan(5000);
  });

  it(`${CLI_CASES} of them through \`generate --out\`: exit 0 or 1, no stack trace, all files or none`, { timeout: 300_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'telemetry-stack-fuzz-cli-'));
    const inputs = loadRenderInputs();
    const r = rng(SEED + 7);
    const outcomes = { ok: 0, rejected: 0 };
    const failures: string[] = [];
    const cases = [...stackFileCases(r, CLI_CASES, join(root, 'data'))];
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root, ...FUZZ_ENV };
    const started = Date.now();

    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const i = next++;
        const c = cases[i]!;
        const out = join(root, `case-${i}`, 'out');
        writeFileSync(join(root, `case-${i}.yaml`), c.text);
        const file = join(root, `case-${i}.yaml`);
        const res = await runCli(['generate', '--file', file, '--out', out], { cwd: root, env });
        const written = filesUnder(out);
        const expected = expectedFiles(file, inputs);
        const where = `case ${i} (${c.kind})`;
        if (res.exitCode !== 0 && res.exitCode !== 1) failures.push(`${where}: exit ${res.exitCode}: ${res.stderr.slice(0, 200)}`);
        if (STACK_TRACE.test(res.stderr)) failures.push(`${where}: stack trace in stderr: ${res.stderr.slice(0, 300)}`);
        if (res.exitCode === 0) {
          outcomes.ok++;
          if (expected === undefined) failures.push(`${where}: the CLI accepted what the loader rejected`);
          else if (JSON.stringify(written) !== JSON.stringify(expected)) failures.push(`${where}: wrote ${written.length} files, expected ${expected.length}`);
        } else {
          outcomes.rejected++;
          if (written.length > 0) failures.push(`${where}: exit ${res.exitCode} but ${written.length} files were written`);
          if (res.stderr.trim() === '') failures.push(`${where}: exit ${res.exitCode} with nothing on stderr`);
        }
      }
    };
    await Promise.all(Array.from({ length: CLI_CONCURRENCY }, worker));
    console.log(
      `[stack file fuzz, CLI] seed ${SEED + 7}: ${CLI_CASES} runs of generate in ${((Date.now() - started) / 1000).toFixed(0)} s: ` +
        `exit 0 ${outcomes.ok}, exit 1 ${outcomes.rejected}, findings ${failures.length}`,
    );
    expect(failures).toEqual([]);
    expect(outcomes.ok).toBeGreaterThan(5);
    expect(outcomes.rejected).toBeGreaterThan(50);
  });
});

/**
 * Files the CLI must write for this stack file, or undefined when the loader rejects it. Read
 * back from disk, as the CLI reads it: a lone surrogate in the generated text is written as
 * U+FFFD, so the in-memory text could differ.
 */
function expectedFiles(file: string, inputs: ReturnType<typeof loadRenderInputs>): string[] | undefined {
  const { stack } = parseStackFile(readFileSync(file, 'utf8'), file, FUZZ_ENV);
  if (!stack) return undefined;
  return renderBundle(resolveStack(stack, file, FUZZ_ENV), inputs, { source: 'x', toolVersion: '0' })
    .map((f) => f.path)
    .sort();
}
