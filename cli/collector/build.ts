import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import { packagePath } from '../paths.js';

export const COLLECTOR_BINARY_NAME = 'otelcol-telemetry-stack';
export const MANIFEST_PATH = packagePath('collector', 'manifest.yaml');
/** Our own components' Go modules, which the manifest names by local path. */
export const LOCAL_COMPONENTS_DIR = packagePath('collector', 'processor');

/** Cache root outside the repository; CI may keep it between runs, nothing depends on it. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['TELEMETRY_STACK_CACHE_DIR'] || join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'telemetry-stack');
}

function manifestText(): string {
  return readFileSync(MANIFEST_PATH, 'utf8');
}

/** The builder version is the core version the manifest pins (the otlp receiver's). */
export function builderVersion(text = manifestText()): string {
  const m = /go\.opentelemetry\.io\/collector\/receiver\/otlpreceiver (v\d+\.\d+\.\d+)/.exec(text);
  if (!m) throw new UserError(`${MANIFEST_PATH}: no otlpreceiver pin found; the builder version follows it`);
  return m[1]!;
}

/** Every file under dir, as paths relative to it, sorted so the order never depends on the file system. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * Binaries are keyed by the hash of the manifest and of every file of our own components: a pin
 * change or an edit to the sanitize processor builds a new binary beside the old. Each file's
 * path goes into the hash with its content, so renaming a file counts as a change.
 */
export function collectorSourceHash(text = manifestText(), componentsDir = LOCAL_COMPONENTS_DIR): string {
  const hash = createHash('sha256').update(text);
  for (const file of filesUnder(componentsDir)) {
    hash.update(`\0${file}\0`).update(readFileSync(join(componentsDir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

export function cachedCollectorPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'collector', collectorSourceHash(), COLLECTOR_BINARY_NAME);
}

interface ManifestModule {
  gomod?: string;
  path?: string;
}

const COMPONENT_LISTS = ['receivers', 'processors', 'exporters', 'extensions', 'connectors', 'providers', 'converters'] as const;

/**
 * The manifest as the builder gets it: output in workDir, and each local module's `path`
 * (relative to the manifest in the repository) made absolute, since the builder resolves it
 * against its own working directory and the copy lives elsewhere.
 */
export function manifestForBuild(text: string, workDir: string, manifestDir = dirname(MANIFEST_PATH)): Record<string, unknown> {
  const manifest = parse(text) as Record<string, unknown> & { dist: Record<string, unknown> };
  manifest.dist['output_path'] = workDir;
  for (const list of COMPONENT_LISTS) {
    const modules = manifest[list];
    if (!Array.isArray(modules)) continue;
    for (const mod of modules as ManifestModule[]) {
      if (mod.path) mod.path = resolve(manifestDir, mod.path);
    }
  }
  return manifest;
}

/** Which binary to run: an explicit override, else the cached build. */
export function collectorBinary(override?: string, env: NodeJS.ProcessEnv = process.env): string {
  return override || env['TELEMETRY_STACK_COLLECTOR_BIN'] || cachedCollectorPath(env);
}

export interface BuildResult {
  path: string;
  built: boolean;
  seconds: number;
  bytes: number;
}

/**
 * Builds the distribution with the stock Collector Builder from Go modules (static, CGO off),
 * unless the cached binary for this manifest exists. Progress goes to `log` line by line.
 */
export async function buildCollector(options: { force?: boolean; log?: (line: string) => void; env?: NodeJS.ProcessEnv } = {}): Promise<BuildResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const target = cachedCollectorPath(env);
  if (!options.force && existsSync(target)) return { path: target, built: false, seconds: 0, bytes: statSync(target).size };

  await requireGo();
  const started = Date.now();
  const workDir = join(cacheRoot(env), 'collector', `build-${process.pid}`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  try {
    log(`building ${COLLECTOR_BINARY_NAME} from Go modules (a cold build downloads modules and takes minutes)`);
    await runBuilder(workDir, [], env, log);
    mkdirSync(join(target, '..'), { recursive: true });
    renameSync(join(workDir, COLLECTOR_BINARY_NAME), target);
    chmodSync(target, 0o755);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return { path: target, built: true, seconds: (Date.now() - started) / 1000, bytes: statSync(target).size };
}

/**
 * The distribution's Go sources (main.go, components.go, go.mod, go.sum) as the builder generates
 * them from the manifest, without compiling: what the licence gate reads to list every module the
 * binary is built from.
 */
export async function generateCollectorSources(dir: string, options: { log?: (line: string) => void; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  await requireGo();
  mkdirSync(dir, { recursive: true });
  await runBuilder(dir, ['--skip-compilation'], options.env ?? process.env, options.log ?? (() => {}));
}

/** Runs the pinned Collector Builder (installed into the cache once) on a copy of the manifest. */
async function runBuilder(outDir: string, flags: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const version = builderVersion();
  const builderDir = join(cacheRoot(env), 'builder', version);
  const builder = join(builderDir, 'builder');
  const goEnv = { ...env, CGO_ENABLED: '0', GOFLAGS: '-trimpath' };
  if (!existsSync(builder)) {
    log(`installing the Collector Builder ${version} (go install)`);
    mkdirSync(builderDir, { recursive: true });
    await run('go', ['install', `go.opentelemetry.io/collector/cmd/builder@${version}`], { ...goEnv, GOBIN: builderDir }, log);
  }
  const manifest = manifestForBuild(manifestText(), outDir);
  const manifestCopy = join(outDir, 'manifest.yaml');
  writeFileSync(manifestCopy, JSON.stringify(manifest));
  await run(builder, ['--config', manifestCopy, '--ldflags=-s -w', ...flags], goEnv, log);
}

/**
 * The binary to run: the stack file's binaries.collector, else $TELEMETRY_STACK_COLLECTOR_BIN, else
 * the build for the current manifest (built first when missing).
 */
export async function ensureCollector(log?: (line: string) => void, env: NodeJS.ProcessEnv = process.env, stackOverride?: string): Promise<string> {
  if (stackOverride) {
    if (!existsSync(stackOverride)) throw new UserError(`binaries.collector: ${stackOverride}: no such file; fix the path or remove the key to use the built Collector`);
    return stackOverride;
  }
  const override = env['TELEMETRY_STACK_COLLECTOR_BIN'];
  if (override) {
    if (!existsSync(override)) throw new UserError(`TELEMETRY_STACK_COLLECTOR_BIN=${override}: no such file; unset it to use the built Collector`);
    return override;
  }
  return (await buildCollector({ env, ...(log ? { log } : {}) })).path;
}

async function requireGo(): Promise<void> {
  try {
    await execa('go', ['version']);
  } catch {
    throw new UserError('go: not found; install Go 1.26 or newer (https://go.dev/dl, or apt-get install golang) to build the Collector, or set TELEMETRY_STACK_COLLECTOR_BIN to a built binary');
  }
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const child = execa(command, args, { env, extendEnv: false, all: true, reject: false, lines: true });
  const tail: string[] = [];
  child.all?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      // Module downloads are hundreds of lines; phase lines are what a person wants to see.
      if (!line.startsWith('go: downloading')) log(line.replace(/^\S+\s+INFO\s+\S+\s+/, ''));
    }
  });
  const result = await child;
  if (result.exitCode !== 0) {
    throw new UserError(`${command} ${args[0] ?? ''} failed (exit ${result.exitCode}); last output:`, tail.slice(-10));
  }
}
