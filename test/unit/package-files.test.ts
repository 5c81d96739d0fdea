import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * What the CLI reads or runs at run time from its own package (packagePath) must be in the
 * published tarball: `images build` runs the image scripts, `up` reads the statement files.
 */
describe('the npm package', () => {
  it('ships every file the CLI reads or runs from its package at run time', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = new Set((JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    for (const path of [
      'scripts/provision/collector-image.sh',
      'scripts/provision/chdb-server-image.sh',
      'scripts/provision/collector-default.yaml',
      'collector/Dockerfile',
      'storage/chdb-server/Dockerfile',
      'configs/sql/schema/rollups.sql',
      'configs/logql/verify/canary.logql',
      'configs/queries/clickhouse/sessions.sql',
      'configs/pins.json',
    ]) {
      expect(files, path).toContain(path);
    }
  });
});
