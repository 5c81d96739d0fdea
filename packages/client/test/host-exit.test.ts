import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient, type BuiltClient } from './helpers/build.js';
import { isolatedHome } from './helpers/env.js';
import { runNode } from './helpers/run-node.js';
import { refusedUrl, startBlackHole, startDnsBlackHole, startSink } from './helpers/servers.js';

// A host process (the example CLI, compiled and run as a separate node process) must finish on time
// whatever the endpoint does. Times are compared with the same CLI without the library, measured here,
// so a slow machine moves both sides.

const TIMEOUT_MS = 800; // the library default, which the example uses
const MARGIN_MS = 700;
const KILL_AFTER_MS = 15_000;

let built: BuiltClient;
let home: ReturnType<typeof isolatedHome>;
let baselineMs: number;

beforeAll(async () => {
  built = await buildClient();
  home = isolatedHome();
  const runs = [];
  for (let i = 0; i < 3; i += 1) {
    runs.push(await runNode([built.baseline, 'greet', 'Ada'], { env: home.env, killAfterMs: KILL_AFTER_MS }));
  }
  expect(runs.every((r) => r.code === 0 && r.stdout === 'Hello, Ada!\n')).toBe(true);
  baselineMs = Math.max(...runs.map((r) => r.elapsedMs));
});

afterAll(() => {
  built?.cleanup();
  home?.cleanup();
});

function runCli(endpoint: string, extraArgs: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) {
  return runNode([...extraArgs, built.cli, 'greet', 'Ada'], {
    env: { ...home.env, TINY_CLI_TELEMETRY_ENDPOINT: endpoint, TINY_CLI_PRINT_TELEMETRY_RESULT: '1', ...extraEnv },
    killAfterMs: KILL_AFTER_MS,
  });
}

describe('the example CLI exits on time', () => {
  it('control: a 200 sink receives the event and costs little', async () => {
    const sink = await startSink();
    try {
      const run = await runCli(sink.url);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('Hello, Ada!\n');
      expect(run.stderr).toContain('telemetry: sent');
      expect(sink.requests).toHaveLength(1);
      expect(run.elapsedMs).toBeLessThan(baselineMs + MARGIN_MS);
    } finally {
      await sink.close();
    }
  });

  it('black-holed endpoint (accepts, never answers): exits within the timeout', async () => {
    const hole = await startBlackHole();
    try {
      const run = await runCli(hole.url);
      expect(run.killed).toBe(false);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('Hello, Ada!\n');
      expect(run.stderr).toContain('telemetry: timeout');
      expect(hole.connections()).toBe(1);
      expect(run.elapsedMs).toBeLessThan(baselineMs + TIMEOUT_MS + MARGIN_MS);
    } finally {
      await hole.close();
    }
  });

  it('refused endpoint: exits promptly with the command exit code intact', async () => {
    const run = await runNode([built.cli, 'fail'], {
      env: { ...home.env, TINY_CLI_TELEMETRY_ENDPOINT: await refusedUrl(), TINY_CLI_PRINT_TELEMETRY_RESULT: '1' },
      killAfterMs: KILL_AFTER_MS,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('telemetry: failed');
    expect(run.elapsedMs).toBeLessThan(baselineMs + MARGIN_MS);
  });

  it('black-holed DNS: a name whose resolver never answers does not hold the process', async () => {
    const dns = await startDnsBlackHole();
    const hole = await startBlackHole();
    try {
      // The host points the process resolver at a server that never answers, as a broken network does.
      const preload = join(home.dir, 'dns-preload.mjs');
      writeFileSync(preload, `import dns from 'node:dns';\ndns.setServers([${JSON.stringify(dns.server)}]);\n`);
      const port = new URL(hole.url).port;
      const run = await runCli(`http://collector.telemetry.invalid:${port}`, ['--import', preload]);
      expect(run.killed).toBe(false);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('telemetry: timeout');
      expect(dns.queries()).toBeGreaterThanOrEqual(1);
      expect(run.elapsedMs).toBeLessThan(baselineMs + TIMEOUT_MS + MARGIN_MS);
    } finally {
      await dns.close();
      await hole.close();
    }
  });

  it('a host that does not await track still exits within the timeout, and the event still gets out', async () => {
    const hole = await startBlackHole();
    const sink = await startSink();
    try {
      const script = (endpoint: string) => `
        import { createUsageTelemetry } from ${JSON.stringify(built.bundle)};
        createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: ${JSON.stringify(endpoint)} }).track('greet');
      `;
      const env = { ...home.env };
      const stuck = await runNode(['--input-type=module', '-e', script(hole.url)], { env, killAfterMs: KILL_AFTER_MS });
      expect(stuck.code).toBe(0);
      expect(stuck.killed).toBe(false);
      expect(stuck.elapsedMs).toBeLessThan(baselineMs + TIMEOUT_MS + MARGIN_MS);

      const ok = await runNode(['--input-type=module', '-e', script(sink.url)], { env, killAfterMs: KILL_AFTER_MS });
      expect(ok.code).toBe(0);
      expect(sink.requests).toHaveLength(1);
    } finally {
      await hole.close();
      await sink.close();
    }
  });
});

describe('a host using a heartbeat exits on time', () => {
  const script = (endpoint: string) => `
    import { createHeartbeat } from ${JSON.stringify(built.heartbeat)};
    // Default interval (one hour): only the unref'd timer and the beforeExit hook are in play.
    const hb = createHeartbeat({ service: 'helios', version: '1', endpoint: ${JSON.stringify(endpoint)} });
    hb.count('api', 'users.list', 2);
  `;

  it('flushes at beforeExit and exits promptly', async () => {
    const sink = await startSink();
    try {
      const run = await runNode(['--input-type=module', '-e', script(sink.url)], { env: home.env, killAfterMs: KILL_AFTER_MS });
      expect(run.code).toBe(0);
      expect(run.killed).toBe(false);
      expect(sink.requests).toHaveLength(1);
      expect(run.elapsedMs).toBeLessThan(baselineMs + MARGIN_MS);
    } finally {
      await sink.close();
    }
  });

  it('with a black-holed endpoint, exits within the timeout and does not retry at exit', async () => {
    const hole = await startBlackHole();
    try {
      const run = await runNode(['--input-type=module', '-e', script(hole.url)], { env: home.env, killAfterMs: KILL_AFTER_MS });
      expect(run.code).toBe(0);
      expect(run.killed).toBe(false);
      expect(hole.connections()).toBe(1);
      expect(run.elapsedMs).toBeLessThan(baselineMs + TIMEOUT_MS + MARGIN_MS);
    } finally {
      await hole.close();
    }
  });
});
