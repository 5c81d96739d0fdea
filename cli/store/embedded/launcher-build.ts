import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { cacheRoot } from '../../collector/build.js';
import { UserError } from '../../errors.js';
import { packagePath } from '../../paths.js';

/**
 * The chdb-server launcher (storage/chdb-server, Go with purego, no cgo) is built with the Go
 * toolchain the Collector build already needs, and cached outside the repository keyed by its
 * sources, like the Collector: any edit to them builds a new binary beside the old.
 */

export const LAUNCHER_SOURCE_DIR = packagePath('storage', 'chdb-server');
export const LAUNCHER_BINARY_NAME = 'chdb-server';

function launcherSources(): string[] {
  return readdirSync(LAUNCHER_SOURCE_DIR)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || (f.endsWith('.go') && !f.endsWith('_test.go')))
    .sort();
}

export function cachedLauncherPath(env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256');
  for (const f of launcherSources())
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(LAUNCHER_SOURCE_DIR, f)))
      .update('\0');
  return join(cacheRoot(env), 'chdb-server', hash.digest('hex').slice(0, 16), LAUNCHER_BINARY_NAME);
}

/** Returns the cached launcher, building it first when this source tree has none. */
export async function ensureLauncher(log: (line: string) => void = () => {}, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const override = env['TELEMETRY_STACK_CHDB_SERVER_BIN'];
  if (override) return override;
  const target = cachedLauncherPath(env);
  if (existsSync(target)) return target;
  const tmp = `${target}.build-${process.pid}`;
  mkdirSync(dirname(target), { recursive: true });
  log(`building ${LAUNCHER_BINARY_NAME} from ${LAUNCHER_SOURCE_DIR} (Go, CGO off)`);
  try {
    await execa('go', ['build', '-trimpath', '-o', tmp, '.'], { cwd: LAUNCHER_SOURCE_DIR, env: { ...env, CGO_ENABLED: '0' } });
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as { code?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new UserError("go is not on PATH; the embedded engine's launcher is built with Go (install Go 1.26 or set TELEMETRY_STACK_CHDB_SERVER_BIN)");
    throw new UserError(`building ${LAUNCHER_BINARY_NAME} failed: ${(err.stderr ?? String(e)).split('\n')[0]}`, (err.stderr ?? '').split('\n').slice(1));
  }
  chmodSync(tmp, 0o755);
  renameSync(tmp, target);
  return target;
}

/** libchdb.so as the npm package chdb installs it (its platform package). */
export function libchdbPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['TELEMETRY_STACK_LIBCHDB'];
  if (override) return override;
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('@chdb/lib-linux-x64-gnu/package.json');
  } catch {
    throw new UserError('libchdb is not installed (npm package @chdb/lib-linux-x64-gnu, a dependency of chdb); run npm install, or set TELEMETRY_STACK_LIBCHDB');
  }
  return join(dirname(pkg), 'libchdb.so');
}
