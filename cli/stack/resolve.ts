import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { StackFile } from './schema.js';

/** The stack with every path made absolute: what renderers and runtimes work from. */
export interface Stack extends StackFile {
  dataDir: string;
  /** Directory of the stack file; relative paths in it are relative to here. */
  baseDir: string;
  /** Absolute path of the stack file: the owner a data directory records. */
  stackFile: string;
}

export function defaultDataDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const dataHome = env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return join(dataHome, 'telemetry-stack', name);
}

/** The one place defaults that depend on the machine (home, XDG dirs, cwd) are applied. */
export function resolveStack(file: StackFile, stackFilePath: string, env: NodeJS.ProcessEnv = process.env): Stack {
  const baseDir = dirname(resolve(stackFilePath));
  const dataDir = file.dataDir === undefined ? defaultDataDir(file.name, env) : absolutePath(file.dataDir, baseDir);
  return { ...file, dataDir, baseDir, stackFile: resolve(stackFilePath) };
}

export function absolutePath(path: string, baseDir: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
