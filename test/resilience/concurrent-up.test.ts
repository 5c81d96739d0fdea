import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE, type CliResult } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

/** Pids of processes whose command line mentions the data directory: every part a stack runs. */
function processesOf(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(join('/proc', entry, 'cmdline'), 'utf8').replace(/\0/g, ' ');
      // The supervisor is the stack's too, and status does not list it among the parts.
      if (cmdline.includes(dataDir) && !cmdline.includes('supervisor-main')) pids.push(Number(entry));
    } catch {
      // gone in the meantime
    }
  }
  return pids.sort((a, b) => a - b);
}

/**
 * Two `up` at once in one data directory, ten times: the lock makes the second wait for the
 * first, then find the stack running. Exactly one stack runs after each pair, no process is
 * left that `status` and `down` do not know, and nobody sees raw Collector output.
 */
describe('concurrent up in one data directory', () => {
  let stack: TestStack;
  const cli = (args: string[]): Promise<CliResult> => runCli([...args, '--file', stack.file], { cwd: stack.dir });

  beforeAll(async () => {
    await testCollectorBinary();
    stack = await writeTestStack();
  }, 600_000);

  afterAll(async () => {
    if (stack) await cli(['down']);
  });

  it('ten pairs: both exit 0, one stack runs, no orphan, no raw JSON', async () => {
    for (let pair = 0; pair < 10; pair++) {
      const [a, b] = await Promise.all([cli(['up']), cli(['up'])]);
      for (const r of [a, b]) {
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stderr).not.toMatch(STACK_TRACE);
        expect(r.stderr).not.toMatch(/^\s*\{"/m);
      }
      const status = JSON.parse((await cli(['status', '--json'])).stdout) as { components: { component: string; state: string; id?: string }[] };
      expect(status.components.map((c) => [c.component, c.state])).toEqual([
        ['clickhouse', 'running'],
        ['collector', 'running'],
      ]);
      // Every process of this stack is one status knows: no orphan Collector or engine.
      expect(processesOf(stack.dataDir)).toEqual(status.components.map((c) => Number(c.id)).sort((x, y) => x - y));
      // Every other pair starts from a stopped stack, so both kinds of race are tried.
      if (pair % 2 === 0) expect((await cli(['down'])).exitCode).toBe(0);
      if (pair % 2 === 0) expect(processesOf(stack.dataDir)).toEqual([]);
    }
  }, 600_000);
});
