import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROCESSOR_RULES_PATH } from '../../cli/render/inputs.js';
import { loadSecretRules } from '../../tools/privacy/secret-rules.js';
import { packagePath } from '../../cli/paths.js';
import { goAvailable } from './go-regexp.js';

/**
 * The sanitize processor reads the rules with its own Go reader (internal/rules); the TypeScript
 * reader serves lint, docs, the stock chain and the tests. Both must read the same rules: the Go side
 * writes what it read as JSON, and it is compared here with the TypeScript reading, field by field.
 */
describe.skipIf(!goAvailable())('rules.yaml read by Go and by TypeScript', () => {
  it('gives the same ids, patterns, keywords and masks in the same order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-parity-'));
    try {
      const out = join(dir, 'summary.json');
      execFileSync('go', ['test', '-count=1', '-run', '^TestWriteSummary$', './internal/rules/'], {
        cwd: packagePath('collector', 'processor', 'sanitizeprocessor'),
        env: { ...process.env, RULES_SUMMARY_OUT: out },
        stdio: 'pipe',
        timeout: 240_000,
      });
      const go = JSON.parse(readFileSync(out, 'utf8')) as { id: string; patterns: string[]; keywords: string[]; masks: string }[];
      // The processor embeds its copy; the TypeScript side reads configs/secrets/rules.yaml and the copy.
      for (const path of [undefined, PROCESSOR_RULES_PATH]) {
        const ts = loadSecretRules(path).map((r) => ({ id: r.id, patterns: [...r.regexes], keywords: [...r.keywords], masks: r.masks }));
        expect(go.length).toBe(ts.length);
        expect(go).toEqual(ts);
      }
      console.log(`rules parity: ${go.length} rules, ${go.reduce((n, r) => n + r.patterns.length, 0)} patterns read alike by Go and TypeScript`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
