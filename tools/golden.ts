import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { packagePath } from '../cli/paths.js';
import { loadStackFile } from '../cli/stack/load.js';
import { resolveStack } from '../cli/stack/resolve.js';
import { STACK_FILE_NAME } from '../cli/stack/schema.js';
import { stackJsonSchema } from '../cli/stack/json-schema.js';
import { loadSecretRules, secretPatterns } from './privacy/secret-rules.js';
import { renderBundle } from '../cli/render/bundle.js';
import type { RenderedFile } from '../cli/render/rendered-file.js';
import { renderGrafanaBundle } from '../cli/render/grafana/bundle.js';
import { renderKubernetesBundle } from '../cli/render/kubernetes.js';
import type { RenderInputs } from '../cli/render/inputs.js';

/**
 * Golden outputs: each directory under configs/golden/ (and compose/) holds a stack file and everything the
 * renderers make from it, committed, so a change to any renderer shows up as a reviewable diff.
 * The same version string is used for every render so goldens do not churn on releases.
 */
export const GOLDEN_DIR = packagePath('configs', 'golden');
/** compose/ at the repository root: the compose part of its stack file's render, for `docker compose up`. */
export const COMPOSE_DIR = packagePath('compose');
export const JSON_SCHEMA_PATH = packagePath('configs', 'telemetry-stack.schema.json');
export const GOLDEN_TOOL_VERSION = 'golden';
export const GOLDEN_UPDATE_COMMAND = 'npm run golden:update';
/** Golden directories whose name starts with this render the kubernetes target. */
export const KUBERNETES_GOLDEN_PREFIX = 'kubernetes-';
/** Golden directories whose name starts with this render the grafana target. */
export const GRAFANA_GOLDEN_PREFIX = 'grafana-';

/** Every golden directory: each holds a stack file and what is rendered from it. */
export function goldenDirs(): string[] {
  const variants = readdirSync(GOLDEN_DIR)
    .filter((d) => existsSync(join(GOLDEN_DIR, d, STACK_FILE_NAME)))
    .sort()
    .map((d) => join(GOLDEN_DIR, d));
  return [...variants, COMPOSE_DIR];
}

/** What a golden directory should contain, rendered now (its stack file excluded). */
export function renderGoldenDir(dir: string, inputs: RenderInputs): RenderedFile[] {
  const file = join(dir, STACK_FILE_NAME);
  // A fixed, empty environment: goldens must not depend on who renders them.
  const { stack } = loadStackFile(file, {});
  // kubernetes-* variants hold what `generate --target kubernetes` writes.
  if (basename(dir).startsWith(KUBERNETES_GOLDEN_PREFIX)) return renderKubernetesBundle(resolveStack(stack, file, {}), inputs, STACK_FILE_NAME, GOLDEN_TOOL_VERSION);
  // grafana-* variants hold what `generate --target grafana` writes.
  if (basename(dir).startsWith(GRAFANA_GOLDEN_PREFIX)) return renderGrafanaBundle(resolveStack(stack, file, {}), STACK_FILE_NAME);
  const files = renderBundle(resolveStack(stack, file, {}), inputs, { source: STACK_FILE_NAME, toolVersion: GOLDEN_TOOL_VERSION });
  if (dir !== COMPOSE_DIR) return files;
  return files.filter((f) => f.path.startsWith('compose/')).map((f) => ({ ...f, path: f.path.slice('compose/'.length) }));
}

/** configs/secrets/patterns.json: the rules' patterns in rule order, what the renderers read. */
export function renderSecretPatternsFile(): string {
  const patterns = secretPatterns(loadSecretRules());
  return JSON.stringify({ $comment: 'Generated from rules.yaml by npm run golden:update. Do not edit.', patterns }, null, 2) + '\n';
}

export function renderJsonSchemaFile(): string {
  return JSON.stringify(stackJsonSchema(), null, 2) + '\n';
}

/** Every file below dir, as sorted paths relative to it with `/` separators; none when dir is missing. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Files present in a golden directory now, other than its stack file and READMEs. */
export function committedGoldenFiles(dir: string): string[] {
  return filesUnder(dir).filter((f) => f !== STACK_FILE_NAME && f !== 'README.md');
}

export function readGolden(dir: string, path: string): string | undefined {
  const p = join(dir, ...path.split('/'));
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
