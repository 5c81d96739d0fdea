// Child-process tests run the library as a host would: the built package imported by the example CLI.
// It is built into a temporary tree laid out as an install (node_modules/@telemetry-stack/client with its
// package.json and dist/, and examples/tiny-cli beside it) instead of the package's own dist/, so the
// tests neither depend on nor disturb whatever build is in the working tree. The tree has no other
// node_modules: a bundle that needed a dependency would fail to load there.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: build tooling in plain ESM, without type declarations
import { bundleClient } from '../../scripts/build.mjs';

/** packages/client */
export const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The repository root. */
export const REPO = resolve(PACKAGE, '../..');

export interface BuiltClient {
  root: string;
  /** dist/index.js of the installed package (`@telemetry-stack/client`). */
  bundle: string;
  /** dist/heartbeat.js (`@telemetry-stack/client/heartbeat`). */
  heartbeat: string;
  /** The example CLI, importing `@telemetry-stack/client`, which resolves to `bundle`. */
  cli: string;
  baseline: string;
  cleanup(): void;
}

export async function buildClient(): Promise<BuiltClient> {
  const root = mkdtempSync(join(tmpdir(), 'ts-client-build-'));
  const installed = join(root, 'node_modules/@telemetry-stack/client');
  mkdirSync(installed, { recursive: true });
  await bundleClient({ outdir: join(installed, 'dist') });
  // The real name and exports map, so the example's import resolves as it does in an installed package.
  writeFileSync(join(installed, 'package.json'), readFileSync(join(PACKAGE, 'package.json')));
  mkdirSync(join(root, 'examples'));
  cpSync(join(REPO, 'examples/tiny-cli'), join(root, 'examples/tiny-cli'), { recursive: true });
  return {
    root,
    bundle: join(installed, 'dist/index.js'),
    heartbeat: join(installed, 'dist/heartbeat.js'),
    cli: join(root, 'examples/tiny-cli/cli.mjs'),
    baseline: join(root, 'examples/tiny-cli/cli-baseline.mjs'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
