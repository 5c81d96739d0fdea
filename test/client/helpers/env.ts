import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh config home and an environment built from nothing: the machine running the tests may itself
 * be CI (CI=true) or have DO_NOT_TRACK set, and neither may leak into what a test expects.
 */
export function isolatedHome(): { dir: string; env: NodeJS.ProcessEnv; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ts-client-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'config'),
  };
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
