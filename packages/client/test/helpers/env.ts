import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { startSink, type Sink } from './servers.js';

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

/**
 * For a test file or describe block: a fresh isolated home and a local OTLP sink before each test,
 * both gone after it; `use` receives them.
 */
export function homeAndSinkPerTest(use: (home: ReturnType<typeof isolatedHome>, sink: Sink) => void): void {
  let home: ReturnType<typeof isolatedHome> | undefined;
  let sink: Sink | undefined;
  beforeEach(async () => {
    home = isolatedHome();
    sink = await startSink();
    use(home, sink);
  });
  afterEach(async () => {
    await sink?.close();
    home?.cleanup();
  });
}
