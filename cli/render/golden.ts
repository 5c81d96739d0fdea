import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packagePath } from '../paths.js';
import { loadStackFile } from '../stack/load.js';
import { resolveStack } from '../stack/resolve.js';
import { STACK_FILE_NAME } from '../stack/schema.js';
import { stackJsonSchema } from '../stack/json-schema.js';
import { renderBundle, type RenderedFile } from './bundle.js';
import type { SanitizeInputs } from './sanitize/chain.js';

/**
 * Golden outputs: each directory under configs/golden/ holds a stack file and everything the
 * renderers make from it, committed, so a change to any renderer shows up as a reviewable diff.
 * The same version string is used for every render so goldens do not churn on releases.
 */
export const GOLDEN_DIR = packagePath('configs', 'golden');
export const JSON_SCHEMA_PATH = packagePath('configs', 'telemetry-stack.schema.json');
export const GOLDEN_TOOL_VERSION = 'golden';
export const GOLDEN_UPDATE_COMMAND = 'npm run golden:update';

export function goldenVariants(): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((d) => existsSync(join(GOLDEN_DIR, d, STACK_FILE_NAME)))
    .sort();
}

/** What a variant's directory should contain, rendered now (the stack file itself excluded). */
export function renderGoldenVariant(variant: string, inputs: SanitizeInputs): RenderedFile[] {
  const file = join(GOLDEN_DIR, variant, STACK_FILE_NAME);
  // A fixed, empty environment: goldens must not depend on who renders them.
  const { stack } = loadStackFile(file, {});
  return renderBundle(resolveStack(stack, file, {}), inputs, { source: STACK_FILE_NAME, toolVersion: GOLDEN_TOOL_VERSION });
}

export function renderJsonSchemaFile(): string {
  return JSON.stringify(stackJsonSchema(), null, 2) + '\n';
}

/** Files present in a variant directory now, other than its stack file. */
export function committedGoldenFiles(variant: string): string[] {
  const root = join(GOLDEN_DIR, variant);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(root);
  return out.filter((f) => f !== STACK_FILE_NAME).sort();
}

export function readGolden(variant: string, path: string): string | undefined {
  const p = join(GOLDEN_DIR, variant, ...path.split('/'));
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
