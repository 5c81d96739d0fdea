import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

/** Pids of processes whose command line mentions the data directory: every part a stack runs. */
function processesOf(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (
        readFileSync(join('/proc', entry, 'cmdline'), 'utf8')
          .replace(/\0/g, ' ')
          .includes(dataDir)
      )
        pids.push(Number(entry));
    } catch {
      // gone in the meantime
    }
  }
  return pids;
}

/** binaries.collector is honoured, and a wrong one is one line with the fix, never a crash. */
describe('binaries.collector override', () => {
  const stacks: TestStack[] = [];
  const newStack = async (extra = '') => {
    const stack = await writeTestStack(extra);
    stacks.push(stack);
    return stack;
  };

  // Whatever a test got to before it failed, nothing it started outlives the file.
  afterAll(async () => {
    for (const stack of stacks) if (existsSync(stack.dataDir)) await runCli(['down', '--file', stack.file]);
  });

  it('a path that does not exist: one line naming the key, nothing started', async () => {
    const stack = await newStack('binaries:\n  collector: /nonexistent/otelcol\n');
    const up = await runCli(['up', '--file', stack.file]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.stderr).toContain('binaries.collector: /nonexistent/otelcol: no such file');
  });

  it('a file that is not executable: one line, and the storage it started is stopped again and named', async () => {
    const stack0 = await newStack();
    const notExecutable = join(stack0.dir, 'otelcol.txt');
    writeFileSync(notExecutable, 'not a program\n', { mode: 0o644 });
    const stack = await newStack(`binaries:\n  collector: ${notExecutable}\n`);
    const up = await runCli(['up', '--file', stack.file]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.stderr).toMatch(
      new RegExp(
        `^telemetry-stack: collector: ${notExecutable} cannot be started \\(missing or not executable\\); check the path; removed what this up created: clickhouse \\(pid \\d+, (stopped|killed)\\)$`,
        'm',
      ),
    );
    const status = JSON.parse((await runCli(['status', '--json', '--file', stack.file])).stdout) as { components: { state: string }[] };
    expect(status.components.map((c) => c.state)).toEqual(['stopped', 'stopped']);
  });

  it('a Collector that exits at once: up stops waiting, removes the Collector and the storage it started, and names both', async () => {
    const stack0 = await newStack();
    const exits = join(stack0.dir, 'otelcol-exits.sh');
    writeFileSync(exits, '#!/bin/sh\necho "otelcol: refusing to start (test)"\nexit 1\n', { mode: 0o755 });
    const stack = await newStack(`binaries:\n  collector: ${exits}\n`);
    const up = await runCli(['up', '--file', stack.file]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.stderr).toMatch(
      new RegExp(
        `^telemetry-stack: collector health_check on 127\\.0\\.0\\.1:${stack.ports.health}: not ready after \\d+ s: exited \\(its last log lines follow\\); removed what this up created: collector \\(pid \\d+, had exited\\), clickhouse \\(pid \\d+, (stopped|killed)\\)$`,
        'm',
      ),
    );
    expect(up.stderr).toContain('otelcol: refusing to start (test)');
    // Nothing left: no part, no record, no supervisor to start them again.
    const status = JSON.parse((await runCli(['status', '--json', '--file', stack.file])).stdout) as { components: { state: string }[] };
    expect(status.components.map((c) => c.state)).toEqual(['stopped', 'stopped']);
    expect(readdirSync(join(stack.dataDir, 'run')).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(processesOf(stack.dataDir)).toEqual([]);
  });
});
