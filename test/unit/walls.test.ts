import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../cli/paths.js';

/** `npm run walls`: dependency-cruiser with the rules in .dependency-cruiser.cjs, from a given directory. */
function cruise(cwd: string): { status: number | null; out: string } {
  const bin = packagePath('node_modules', '.bin', 'depcruise');
  const r = spawnSync(bin, ['cli', 'packages/client/src', '--config', packagePath('.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the walls between folders', () => {
  it('hold in the tree as it is', () => {
    const { status, out } = cruise(packagePath());
    expect(out).not.toMatch(/error /);
    expect(status).toBe(0);
  });

  it('catch each kind of violation, one line per import naming the rule', () => {
    const { status, out } = cruise(join(packagePath(), 'test', 'fixtures', 'walls'));
    expect(status).not.toBe(0);
    const lines = out.split('\n').filter((l) => l.includes('error '));
    expect(lines.map((l) => l.trim().replace(/ → .*/, '')).sort()).toEqual([
      'error client-stands-alone: packages/client/src/uses-the-cli.ts',
      'error commander-only-in-commands: cli/query/declares-flags.ts',
      'error home-asks-no-one: cli/home/starts-a-stack.ts',
      'error lint-reads-no-runtime: cli/lint/starts-a-stack.ts',
      'error renderers-are-pure: cli/render/reads-a-file.ts',
      'error renderers-are-pure: cli/render/reads-a-secret.ts',
      'error verify-and-query-ask-home: cli/verify/reads-a-secret.ts',
    ]);
  });
});
