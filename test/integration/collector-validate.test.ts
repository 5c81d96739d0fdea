import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateWithCollector } from '../../cli/collector/validate.js';
import { envPlaceholders } from '../../cli/commands/env-placeholders.js';
import { basename } from 'node:path';
import { goldenDirs, renderGoldenDir } from '../../tools/golden.js';
import { loadRenderInputs } from '../../cli/render/inputs.js';
import { testCollectorBinary } from '../support/collector.js';
import { LINT_FIXTURE_ENV, lintFixtureRules, passesFixture, triggersFixture } from '../support/lint-fixtures.js';

/** Every rendered config and every passing lint fixture must be accepted by the real Collector. */
describe('the real Collector validates', () => {
  let binary = '';
  beforeAll(async () => {
    binary = await testCollectorBinary();
  });

  const dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-golden-'));
  const inputs = loadRenderInputs();
  for (const goldenDir of goldenDirs()) {
    const variant = basename(goldenDir);
    for (const file of renderGoldenDir(goldenDir, inputs).filter((f) => f.path.endsWith('collector.yaml'))) {
      it(`${variant}/${file.path}`, async () => {
        const path = join(dir, `${variant}-${file.path.replaceAll('/', '-')}`);
        writeFileSync(path, file.content);
        const result = await validateWithCollector(binary, path, { ...process.env, ...envPlaceholders(file.content, {}) });
        expect(result.message).toBe('');
        expect(result.ok).toBe(true);
      });
    }
  }

  for (const rule of lintFixtureRules()) {
    it(`lint fixture ${rule}/passes.yaml`, async () => {
      const result = await validateWithCollector(binary, passesFixture(rule), { ...process.env, ...LINT_FIXTURE_ENV });
      expect(result.message).toBe('');
    });
  }

  it('and rejects a pipeline naming an undefined processor (validate can fail)', async () => {
    const result = await validateWithCollector(binary, triggersFixture('undefined-component'), { ...process.env, ...LINT_FIXTURE_ENV });
    expect(result.ok).toBe(false);
    expect(result.message).toContain('transform/missing');
  });
});
