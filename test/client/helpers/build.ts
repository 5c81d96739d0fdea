// Child-process tests run the library as a host would: compiled JavaScript imported by the example CLI.
// It is compiled into a temporary tree (dist/ + examples/ + a node_modules link) instead of the shared
// dist/, so the tests neither depend on nor disturb whatever build is in the working tree.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface BuiltClient {
  root: string;
  /** dist/cli/client/index.js inside the temporary tree. */
  entry: string;
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
  mkdirSync(join(root, 'examples'));
  cpSync(join(REPO, 'examples/tiny-cli'), join(root, 'examples/tiny-cli'), { recursive: true });
  return {
    root,
    entry: join(root, 'dist/cli/client/index.js'),
    cli: join(root, 'examples/tiny-cli/cli.mjs'),
    baseline: join(root, 'examples/tiny-cli/cli-baseline.mjs'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
