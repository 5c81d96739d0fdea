import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

/**
 * A data directory on a filesystem with less free space than the stack keeps in reserve (a 64 MiB
 * tmpfs, below the 512 MiB reserve): `up` refuses before starting anything, with the one line a
 * person needs, and `status` says the same. Mounting needs root; CI runs as root.
 */
describe('disk full at the data directory', () => {
  let mountPoint = '';
  let stack: TestStack;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts a small tmpfs and needs root (CI runs as root)');
    mountPoint = mkdtempSync(join(tmpdir(), 'ts-small-disk-'));
    const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint], { reject: false });
    if (mounted.exitCode !== 0) throw new Error(`mount -t tmpfs failed: ${String(mounted.stderr).trim()}`);
    stack = await writeTestStack();
    mkdirSync(join(mountPoint, 'data'));
    writeFileSync(stack.file, readFileSync(stack.file, 'utf8').replace(/^dataDir: .*$/m, `dataDir: ${join(mountPoint, 'data')}`));
  });

  afterAll(async () => {
    if (mountPoint) await execa('umount', [mountPoint], { reject: false });
  });

  it('up refuses with "disk full at <path>" and starts nothing; status says the same', async () => {
    const up = await runCli(['up', '--file', stack.file], { cwd: stack.dir });
    expect(up.exitCode).toBe(1);
    expect(up.stderr).not.toMatch(STACK_TRACE);
    expect(up.stderr).toMatch(new RegExp(`disk full at ${join(mountPoint, 'data')}: \\d+ MiB free, below the 512 MiB the stack keeps in reserve; free space or move dataDir`));
    const status = await runCli(['status', '--json', '--file', stack.file], { cwd: stack.dir });
    const report = JSON.parse(status.stdout) as { components: { state: string }[]; disk: { freeBytes: number; problem?: string } };
    expect(report.components.every((c) => c.state === 'stopped')).toBe(true);
    expect(report.disk.freeBytes).toBeLessThan(64 * 1024 * 1024 + 1);
    expect(report.disk.problem).toMatch(/^disk full at /);
    expect(status.exitCode).toBe(1);
  });
});
