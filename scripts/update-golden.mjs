#!/usr/bin/env node
// Re-renders every golden directory (configs/golden/*, compose/) and the JSON Schema from the built
// sources (run `npm run build` first; `npm run golden:update` does both).
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { committedGoldenFiles, goldenDirs, JSON_SCHEMA_PATH, renderGoldenDir, renderJsonSchemaFile, renderSecretPatternsFile } from '../dist/tools/golden.js';
import { PROCESSOR_RULES_PATH, SECRET_PATTERNS_PATH, SECRET_RULES_PATH } from '../dist/cli/render/inputs.js';
import { writeBundle } from '../dist/cli/output/write-bundle.js';

// The patterns first: every render below uses them. The built module imported its copy of the
// patterns at the last build, so the renders here take the ones just compiled.
const patternsText = renderSecretPatternsFile();
writeFileSync(SECRET_PATTERNS_PATH, patternsText);
console.log(`wrote ${SECRET_PATTERNS_PATH}`);
// The sanitize processor embeds its own copy of the rules (a Go module embeds only its own files).
copyFileSync(SECRET_RULES_PATH, PROCESSOR_RULES_PATH);
console.log(`wrote ${PROCESSOR_RULES_PATH}`);
const inputs = { secretPatterns: JSON.parse(patternsText).patterns };
for (const dir of goldenDirs()) {
  const files = renderGoldenDir(dir, inputs);
  const keep = new Set(files.map((f) => f.path));
  for (const stale of committedGoldenFiles(dir)) if (!keep.has(stale)) rmSync(join(dir, stale));
  // 0644: compose/ files are mounted into containers that run as an unprivileged user.
  writeBundle(dir, files, 0o644);
  console.log(`${dir}: ${files.length} files`);
}
writeFileSync(JSON_SCHEMA_PATH, renderJsonSchemaFile());
console.log(`wrote ${JSON_SCHEMA_PATH}`);
