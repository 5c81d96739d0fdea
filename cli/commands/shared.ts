import { resolve } from 'node:path';
import { formatProblem } from '../errors.js';
import { loadStackFile } from '../stack/load.js';
import { resolveStack, type Stack } from '../stack/resolve.js';
import { STACK_FILE_NAME } from '../stack/schema.js';

export interface StackOption {
  file?: string;
}

export const STACK_FILE_OPTION = ['-f, --file <file>', `stack file (default: ./${STACK_FILE_NAME})`] as const;

/** Loads, validates and resolves the stack file; warnings go to stderr, errors throw one UserError. */
export function loadStack(file: string | undefined, env: NodeJS.ProcessEnv = process.env): { stack: Stack; path: string } {
  const path = resolve(file ?? STACK_FILE_NAME);
  const { stack, problems } = loadStackFile(path, env);
  for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  return { stack: resolveStack(stack, path, env), path };
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
