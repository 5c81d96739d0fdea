import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import type { Stack } from '../stack/resolve.js';
import { diskProblem, minFreeBytes } from './disk-space.js';
import { homeOf } from './layout.js';

/**
 * The data directory: which paths may be one, whose it is, preparing it, and one `up` or `down`
 * at a time in it.
 *
 * A stack keeps its collected data, queue, secrets and run records there, and `up` writes into it
 * and `down --volumes`-like clean-ups remove from it; a mistyped path must never make that a
 * system directory, a home directory, or a directory of someone else's files.
 */

/** Directories that are never a data directory, nor hold one below them. */
const SYSTEM_TREES = ['/etc', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/boot', '/dev', '/proc', '/sys', '/run', '/var/run'];
/** Directories that may hold data directories but are never one themselves. */
const SYSTEM_DIRS = ['/', '/var', '/var/lib', '/var/tmp', '/home', '/root', '/tmp', '/opt', '/srv', '/mnt', '/media'];

/**
 * The first line of the .gitignore `up` writes. Earlier versions wrote it before the owner file
 * existed, so a directory holding it is ours too.
 */
const GITIGNORE_HEADER = '# Collected telemetry never goes into git.';

export interface DataDirOwner {
  name: string;
  stackFile: string;
}

/** A path that can never be a data directory, and why; undefined when it may be one. */
export function dataDirPathProblem(dataDir: string): string | undefined {
  const path = resolve(dataDir);
  const under = SYSTEM_TREES.find((root) => path === root || path.startsWith(root + sep));
  if (under) return `${path} is ${path === under ? 'a system directory' : `inside the system directory ${under}`}; pick a directory of its own, such as ~/.local/share/telemetry-stack/<name>`;
  if (SYSTEM_DIRS.includes(path) || path === homedir()) return `${path} is a directory many things share; pick a directory of its own below it, such as ${join(path, 'telemetry-stack')}`;
  return undefined;
}

/**
 * Whether an existing path may be used: absent, an empty directory, or one telemetry-stack
 * prepared. Anything else (a file, a directory of other files) is refused before anything starts.
 */
export function dataDirContentProblem(dataDir: string): string | undefined {
  if (!existsSync(dataDir)) return undefined;
  if (!statSync(dataDir).isDirectory()) return `${dataDir} is a file, not a directory; point dataDir at a new or empty directory`;
  const home = homeOf(dataDir);
  const entries = readdirSync(dataDir);
  // `run/` alone is what a first `up` that failed early leaves: the lock's directory.
  if (entries.length === 0 || entries.includes(basename(home.ownerFile)) || (entries.length === 1 && entries[0] === basename(home.runDir))) return undefined;
  if (existsSync(home.gitignoreFile) && readFileSync(home.gitignoreFile, 'utf8').startsWith(GITIGNORE_HEADER)) return undefined;
  return `${dataDir} holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} telemetry-stack did not write (e.g. ${entries[0]}); point dataDir at a new or empty directory`;
}

/** Both checks, as one UserError naming the stack file and the key. */
export function requireUsableDataDir(dataDir: string, stackFile: string): void {
  const problem = dataDirPathProblem(dataDir) ?? dataDirContentProblem(dataDir);
  if (problem) throw new UserError(`${stackFile}: dataDir: ${problem}`);
}

export function readOwner(dataDir: string): DataDirOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(homeOf(dataDir).ownerFile, 'utf8')) as Partial<DataDirOwner>;
    return typeof owner.name === 'string' && typeof owner.stackFile === 'string' ? { name: owner.name, stackFile: owner.stackFile } : undefined;
  } catch {
    return undefined;
  }
}

export function writeOwner(dataDir: string, owner: DataDirOwner): void {
  writeFileSync(homeOf(dataDir).ownerFile, JSON.stringify(owner) + '\n', { mode: 0o600 });
}

/**
 * What `up` does to the data directory before anything else: it holds collected data, so it is
 * private to its owner (0700), never committed, and marked with the stack file it belongs to.
 * A disk below the stack's reserve is refused here, before anything starts.
 */
export function prepareDataDir(stack: Stack): void {
  const full = diskProblem(stack.dataDir, minFreeBytes(stack));
  if (full) throw new UserError(full);
  mkdirSync(stack.dataDir, { recursive: true, mode: 0o700 });
  const ignore = homeOf(stack.dataDir).gitignoreFile;
  if (!existsSync(ignore)) writeFileSync(ignore, `${GITIGNORE_HEADER}\n*\n`);
  writeOwner(stack.dataDir, { name: stack.name, stackFile: stack.stackFile });
}

/**
 * One `up` or `down` at a time per data directory: a second one waits for the first (bounded) and
 * then says who holds it. The lock is a file created exclusively, holding the holder's pid; a lock
 * whose pid is gone was left by a killed process and is taken over.
 */
export async function withDataDirLock<T>(dataDir: string, what: string, fn: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
  const home = homeOf(dataDir);
  mkdirSync(home.runDir, { recursive: true, mode: 0o700 });
  const lock = home.lockFile;
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(lock);
      // An empty lock is one a holder is about to write, or one a crash left half-made.
      const stale = holder ? !pidAlive(holder.pid) : Date.now() - statSync(lock).mtimeMs > 5000;
      if (stale) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        const who = holder ? `\`telemetry-stack ${holder.what}\` (pid ${holder.pid}, since ${holder.since})` : 'another telemetry-stack command';
        throw new UserError(`${dataDir}: ${who} is still working in this data directory; wait for it, or stop it`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    const holder = readLock(lock);
    if (holder?.pid === process.pid) rmSync(lock, { force: true });
  }
}

function readLock(lock: string): { pid: number; what: string; since: string } | undefined {
  try {
    return JSON.parse(readFileSync(lock, 'utf8')) as { pid: number; what: string; since: string };
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A data directory belongs to the stack file that last ran `up` in it. While that stack runs,
 * another stack file (another copy, other ports) must not take it over: its `up` would restart or
 * stop parts of a stack that is not its own.
 */
export async function requireOwnDataDir(stack: { dataDir: string; stackFile: string }, running: () => Promise<boolean>): Promise<void> {
  const owner = readOwner(stack.dataDir);
  if (!owner || owner.stackFile === stack.stackFile) return;
  if (!(await running())) return;
  throw new UserError(
    `${stack.stackFile}: dataDir: ${stack.dataDir} belongs to the running stack ${owner.name} of ${owner.stackFile}; stop it with \`telemetry-stack down -f ${owner.stackFile}\`, or give this stack a dataDir of its own`,
  );
}
