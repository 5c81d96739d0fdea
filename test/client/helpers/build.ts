// Child-process tests run the library as a host would: compiled JavaScript imported by the example CLI.
// It is built into a temporary tree (dist/ + examples/ + package.json + a node_modules link) instead of
// the shared dist/, so the tests neither depend on nor disturb whatever build is in the working tree.
// Both builds are made: tsc's dist/cli/client/ (what the telemetry-stack CLI itself imports) and the
// bundle in dist/client/ (what `telemetry-stack/client` resolves to, and so what the example imports).
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleClient } from '../../../cli/client/bundle.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface BuiltClient {
  root: string;
  /** dist/cli/client/index.js (tsc output) inside the temporary tree. */
  entry: string;
  /** dist/client/index.js (the bundle) inside the temporary tree. */
  bundle: string;
  /** The example CLI, importing `telemetry-stack/client`, which resolves to `bundle`. */
  cli: string;
  baseline: string;
  cleanup(): void;
}

export async function buildClient(): Promise<BuiltClient> {
  const root = mkdtempSync(join(tmpdir(), 'ts-client-build-'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  const tsconfig = {
    extends: join(REPO, 'tsconfig.json'),
    compilerOptions: { rootDir: REPO, outDir: join(root, 'dist'), declaration: false, sourceMap: false },
    include: [join(REPO, 'cli/client/**/*.ts')],
  };
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(tsconfig));
  await promisify(execFile)(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
    timeout: 120_000,
  });
  await bundleClient({ outdir: join(root, 'dist/client') });
  // The real name and exports map, so the example's `telemetry-stack/client` resolves as it does in the
  // repository and in an installed package.
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: pkg.name, type: pkg.type, exports: pkg.exports }));
  mkdirSync(join(root, 'examples'));
  cpSync(join(REPO, 'examples/tiny-cli'), join(root, 'examples/tiny-cli'), { recursive: true });
  return {
    root,
    entry: join(root, 'dist/cli/client/index.js'),
    bundle: join(root, 'dist/client/index.js'),
    cli: join(root, 'examples/tiny-cli/cli.mjs'),
    baseline: join(root, 'examples/tiny-cli/cli-baseline.mjs'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
