/**
 * telemetry-stack as a library: the same load, render and lint the CLI runs, for tools that
 * generate or check stacks themselves. The client library for CLIs is `@telemetry-stack/client` (packages/client).
 */
export { formatProblem, UserError, type Problem } from './errors.js';
export { loadStackFile, parseStackFile, type LoadResult } from './stack/load.js';
export { resolveStack, type Stack } from './stack/resolve.js';
export { stackFileSchema, type StackFile, type StackFileInput } from './stack/schema.js';
export { STACK_FILE_NAME, CURRENT_VERSION, PROFILES, type ProfileName } from './stack/constants.js';
export { stackJsonSchema } from './stack/json-schema.js';
export { renderBundle } from './render/bundle.js';
export type { RenderedFile } from './render/rendered-file.js';
export { renderCollectorConfig, type CollectorTarget } from './render/collector-config.js';
export { loadRenderInputs, loadSanitizeInputs, type RenderInputs } from './render/inputs.js';
export { lintCollectorConfig, lintFails } from './lint/lint.js';
export { formatFindings, LINT_FORMATS, type LintFormat } from './lint/format.js';
export { LINT_RULES } from './lint/rules/index.js';
export type { Finding, LintRule } from './lint/rule.js';
