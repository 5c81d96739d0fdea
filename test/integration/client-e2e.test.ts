import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../cli/paths.js';
import { runCli } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

interface UsageRow {
  service: string;
  verb: string;
  events: number | string;
  users: number | string;
  failures: number | string;
}

/**
 * The example CLI, instrumented with the client library, run N times as separate processes against
 * a real stack (Collector + embedded engine): `usage top` must count exactly what was run.
 */
describe('client library end to end: examples/tiny-cli -> Collector -> embedded engine -> usage top', () => {
  let stack: TestStack;
  const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir });
  const runs: [string[], number][] = [
    ...Array.from({ length: 12 }, (_, i): [string[], number] => [['greet', `person-${i}`], 0]),
    ...Array.from({ length: 7 }, (_, i): [string[], number] => [['add', String(i), '2'], 0]),
    ...Array.from({ length: 2 }, (): [string[], number] => [['add', 'x'], 2]),
    ...Array.from({ length: 4 }, (): [string[], number] => [['fail'], 3]),
  ];

  beforeAll(async () => {
    await testCollectorBinary();
    stack = await writeTestStack();
    const up = await cli(['up']);
    if (up.exitCode !== 0) throw new Error(up.stderr);
  });
  afterAll(async () => {
    if (stack) await cli(['down']);
  });

  it(`${runs.length} runs of the example CLI show up as exactly ${runs.length} events`, async () => {
    const configHome = mkdtempSync(join(tmpdir(), 'tiny-cli-config-'));
    // No CI variables: the library skips sending in CI by default, and these runs must send.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CI|GITHUB_ACTIONS|BUILD_ID|DO_NOT_TRACK|TINY_CLI_.*)$/.test(k)));
    for (const [args, expectedExit] of runs) {
      const r = await execa('node', [packagePath('examples', 'tiny-cli', 'cli.mjs'), ...args], {
        env: { ...env, XDG_CONFIG_HOME: configHome, TINY_CLI_TELEMETRY_ENDPOINT: `http://127.0.0.1:${stack.ports.http}`, TINY_CLI_PRINT_TELEMETRY_RESULT: '1' },
        extendEnv: false,
        reject: false,
        timeout: 10_000,
      });
      expect(r.exitCode).toBe(expectedExit);
      expect(r.stderr).toContain('telemetry: sent');
    }

    let rows: UsageRow[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const top = await cli(['usage', 'top', '--service', 'tiny-cli', '--since', '1h', '--json']);
      expect(top.exitCode).toBe(0);
      rows = (JSON.parse(top.stdout) as { rows: UsageRow[] }).rows;
      if (rows.reduce((n, r) => n + Number(r.events), 0) >= runs.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const byVerb = Object.fromEntries(rows.map((r) => [r.verb, { events: Number(r.events), failures: Number(r.failures), users: Number(r.users) }]));
    console.log(`client e2e: ran ${runs.length}, usage top counted ${rows.reduce((n, r) => n + Number(r.events), 0)}`);
    expect(byVerb).toEqual({
      greet: { events: 12, failures: 0, users: 1 },
      add: { events: 9, failures: 2, users: 1 },
      fail: { events: 4, failures: 4, users: 1 },
    });
  });
});
