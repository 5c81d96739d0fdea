import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../cli/paths.js';

/** The paths in the first column of docs/architecture.md's layout table. */
function tablePaths(): string[] {
  const doc = readFileSync(packagePath('docs', 'architecture.md'), 'utf8');
  return [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

/** Folders a reader finds: top-level ones (not hidden, not built or installed) and each folder of cli/. */
function folders(): string[] {
  const dirs = (path: string) => readdirSync(packagePath(path), { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.'));
  const skip = new Set(['node_modules', 'dist', 'test-results']);
  const top = dirs('.')
    .filter((d) => !skip.has(d.name))
    .map((d) => `${d.name}/`);
  const cli = dirs('cli').map((d) => `cli/${d.name}/`);
  return [...top.filter((d) => d !== 'cli/'), ...cli].sort();
}

describe("docs/architecture.md's layout table", () => {
  it('names every folder', () => {
    const named = tablePaths();
    const missing = folders().filter((f) => !named.some((p) => p === f || p.startsWith(f)));
    expect(missing, 'add a row for each to the layout table in docs/architecture.md').toEqual([]);
  });

  it('names only folders that exist', () => {
    const gone = tablePaths().filter((p) => !existsSync(packagePath(p)));
    expect(gone, 'remove or fix these rows of the layout table in docs/architecture.md').toEqual([]);
  });
});
