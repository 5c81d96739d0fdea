import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  committedGoldenFiles, GOLDEN_UPDATE_COMMAND, goldenVariants, JSON_SCHEMA_PATH, readGolden, renderGoldenVariant, renderJsonSchemaFile,
} from '../../cli/render/golden.js';
import { loadSanitizeInputs } from '../../cli/render/inputs.js';

const stale = (what: string) => `${what} is stale; regenerate with: ${GOLDEN_UPDATE_COMMAND}`;

describe('golden renders', () => {
  const inputs = loadSanitizeInputs();
  const variants = goldenVariants();

  it('covers every backend with every profile', () => {
    for (const backend of ['embedded', 'clickhouse', 'loki']) {
      for (const profile of ['claude-code', 'cli-usage', 'generic']) expect(variants).toContain(`${backend}-${profile}`);
    }
  });

  for (const variant of variants) {
    it(`${variant} matches configs/golden/${variant}`, () => {
      const files = renderGoldenVariant(variant, inputs);
      expect(committedGoldenFiles(variant), stale(`the file list of configs/golden/${variant}`)).toEqual(files.map((f) => f.path).sort());
      for (const f of files) expect(readGolden(variant, f.path), stale(`configs/golden/${variant}/${f.path}`)).toBe(f.content);
    });
  }

  it('the committed JSON Schema matches the schema in code', () => {
    expect(readFileSync(JSON_SCHEMA_PATH, 'utf8'), stale('configs/telemetry-stack.schema.json')).toBe(renderJsonSchemaFile());
  });

  it('renders the same bytes twice (pure)', () => {
    const a = renderGoldenVariant('clickhouse-team', inputs);
    const b = renderGoldenVariant('clickhouse-team', inputs);
    expect(a).toEqual(b);
  });
});
