import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { writeTestStack } from '../support/stack-dir.js';

/** binaries.collector is honoured, and a wrong one is one line with the fix, never a crash. */
describe('binaries.collector override', () => {
  it('a path that does not exist: one line naming the key, nothing started', async () => {
    const stack = await writeTestStack('binaries:\n  collector: /nonexistent/otelcol\n');
    const up = await runCli(['up', '--file', stack.file]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.stderr).toContain('binaries.collector: /nonexistent/otelcol: no such file');
  });

  it('a file that is not executable: one line, and the storage it started is stopped again', async () => {
    const stack0 = await writeTestStack();
    const notExecutable = join(stack0.dir, 'otelcol.txt');
    writeFileSync(notExecutable, 'not a program\n', { mode: 0o644 });
    const stack = await writeTestStack(`binaries:\n  collector: ${notExecutable}\n`);
    const up = await runCli(['up', '--file', stack.file]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.stderr).toContain(`collector: ${notExecutable} cannot be started (missing or not executable)`);
    const status = JSON.parse((await runCli(['status', '--json', '--file', stack.file])).stdout) as { components: { state: string }[] };
    expect(status.components.map((c) => c.state)).toEqual(['stopped', 'stopped']);
  });
});
