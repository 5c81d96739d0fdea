import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root holds configs/ and collector/. It is found by walking up from this module so
 * the same code works from cli/ (tests run the sources) and from dist/cli/ (the built bin).
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'configs'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('telemetry-stack: cannot find the package root (package.json beside configs/)');
}

export const packageRoot = findPackageRoot();

export function packagePath(...parts: string[]): string {
  return join(packageRoot, ...parts);
}
