import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portInUse } from '../../cli/net/port-holder.js';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { sendCliEvents } from '../support/otlp-send.js';
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

interface Status {
  components: { component: string; state: string; detail?: string }[];
}

/**
 * The disk filling under a running stack (a 256 MiB tmpfs, collector.minFreeDiskMiB 128, a filler
 * file taking the space): the supervisor pauses the Collector, so clients are refused (a retryable
 * failure) instead of acknowledged into a disk that cannot keep them; status says why. Space back:
 * the Collector starts again and what was acknowledged before is all stored.
 */
describe('disk filling under a running stack', () => {
  let mountPoint = '';
  let stack: TestStack;
  const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir });
  const collector = async () => (JSON.parse((await cli(['status', '--json'])).stdout) as Status).components.find((c) => c.component === 'collector')!;
  const until = async (what: string, done: () => Promise<boolean>, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts a small tmpfs and needs root (CI runs as root)');
    mountPoint = mkdtempSync(join(tmpdir(), 'ts-filling-disk-'));
    const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'size=256m', 'tmpfs', mountPoint], { reject: false });
    if (mounted.exitCode !== 0) throw new Error(`mount -t tmpfs failed: ${String(mounted.stderr).trim()}`);
    stack = await writeTestStack();
    const text = readFileSync(stack.file, 'utf8')
      .replace(/^dataDir: .*$/m, `dataDir: ${join(mountPoint, 'data')}`)
      .replace(/^collector: \{(.*)\}$/m, 'collector: {$1, minFreeDiskMiB: 128}');
    writeFileSync(stack.file, text);
    const up = await cli(['up']);
    if (up.exitCode !== 0) throw new Error(`up failed:\n${up.stderr}`);
  }, 600_000);

  afterAll(async () => {
    if (stack) await cli(['down']);
    if (mountPoint) await execa('umount', [mountPoint], { reject: false });
  });

  it('pauses the Collector below the reserve and starts it again when space returns; nothing acknowledged is lost', async () => {
    const before = await sendCliEvents(stack.ports.http, `disk-before-${Date.now()}`, 100);
    expect(before).toBe(100);
    const filler = join(mountPoint, 'filler');
    writeFileSync(filler, Buffer.alloc(150 * 1024 * 1024));
    await until('collector paused', async () => (await collector()).state === 'stopped');
    const paused = await collector();
    console.log(`[disk filling] ${paused.detail}`);
    expect(paused.detail).toMatch(/^paused by the supervisor: disk full at .+: \d+ MiB free, below 128 MiB; free space or move dataDir$/);
    await expect(sendCliEvents(stack.ports.http, 'refused', 1)).rejects.toThrow();
    rmSync(filler);
    // Running is the process; the Collector opens its receivers last, once the pipeline behind them started.
    await until('collector running again with its receiver listening', async () => (await collector()).state === 'running' && (await portInUse(stack.ports.http)));
    const runId = `disk-after-${Date.now()}`;
    expect(await sendCliEvents(stack.ports.http, runId, 100)).toBe(100);
    const verify = await cli(['verify']);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    let stored = 0;
    await until('every acknowledged event stored', async () => {
      const r = await cli(['query', '--sql', "SELECT count() AS n FROM otel_logs WHERE position(Body, 'disk-') > 0", '--json']);
      stored = Number((JSON.parse(r.stdout) as { rows: { n: number }[] }).rows[0]?.n ?? 0);
      return stored >= 200;
    });
    expect(stored).toBe(200);
  }, 120_000);
});
