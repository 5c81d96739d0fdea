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

export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Go duration text for Collector config (`90d` is not a Go duration; `2160h` is). */
export function goDuration(text: string): string {
  const seconds = parseDuration(text);
  if (seconds === 0) return '0s';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
