#!/usr/bin/env node
// Re-renders every golden variant under configs/golden/ and the JSON Schema from the built
// sources (run `npm run build` first; `npm run golden:update` does both).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  committedGoldenFiles, GOLDEN_DIR, goldenVariants, JSON_SCHEMA_PATH, renderGoldenVariant, renderJsonSchemaFile,
} from '../dist/cli/render/golden.js';
import { loadSanitizeInputs } from '../dist/cli/render/inputs.js';
import { writeBundle } from '../dist/cli/render/write-bundle.js';

const inputs = loadSanitizeInputs();
for (const variant of goldenVariants()) {
  const files = renderGoldenVariant(variant, inputs);
  const keep = new Set(files.map((f) => f.path));
  for (const stale of committedGoldenFiles(variant)) if (!keep.has(stale)) rmSync(join(GOLDEN_DIR, variant, stale));
  writeBundle(join(GOLDEN_DIR, variant), files);
  console.log(`${variant}: ${files.length} files`);
}
writeFileSync(JSON_SCHEMA_PATH, renderJsonSchemaFile());
console.log(`wrote ${JSON_SCHEMA_PATH}`);
