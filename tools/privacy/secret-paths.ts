import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// This module runs from tools/privacy/ in the source tree and from dist/tools/privacy/ once built,
// so a fixed number of ../ would be right in one place only; the package root is the nearest
// directory with a package.json.
export function findPackageRoot(startDir: string): string | undefined {
  let dir = startDir;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const here = dirname(fileURLToPath(import.meta.url));

/** configs/secrets/ of this package, or undefined when no package root is found. */
export function secretsConfigDir(): string | undefined {
  const root = findPackageRoot(here);
  return root === undefined ? undefined : join(root, 'configs', 'secrets');
}
