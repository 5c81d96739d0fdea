import { join } from 'node:path';
import { execa } from 'execa';

export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (a child process), bounded in time. */
export async function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  const result = await execa('node', [CLI, ...args], {
    cwd: options.cwd,
    // A test that passes an environment means all of it: nothing of the runner's (CI=true, say) leaks in.
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
    reject: false,
    timeout: 120_000,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A stack trace line, which a person must never see for a mistake of theirs. */
export const STACK_TRACE = /^\s+at .+(\.js|\.ts):\d+/m;
