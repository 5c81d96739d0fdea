import { resolve } from 'node:path';
import { formatProblem } from '../errors.js';
import { requireUsableDataDir } from '../home/data-dir.js';
import { STACK_FILE_NAME } from '../stack/constants.js';
import type { Stack } from '../stack/resolve.js';

export interface StackOption {
  file?: string;
}

export const STACK_FILE_OPTION = ['-f, --file <file>', `stack file (default: ./${STACK_FILE_NAME})`] as const;

/**
 * Loads, validates and resolves the stack file; warnings go to stderr, errors throw one UserError.
 * Commands import their heavy modules (schema, renderers, clients) inside their actions, so
 * `--help` and `lint` never pay for what they do not use.
 */
export async function loadStack(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<{ stack: Stack; path: string }> {
  const [{ loadStackFile }, { resolveStack }] = await Promise.all([import('../stack/load.js'), import('../stack/resolve.js')]);
  const path = resolve(file ?? STACK_FILE_NAME);
  const { stack, problems } = loadStackFile(path, env);
  for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  const resolved = resolveStack(stack, path, env);
  requireUsableDataDir(resolved.dataDir, path);
  return { stack: resolved, path };
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
