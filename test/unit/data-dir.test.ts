import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirContentProblem, dataDirPathProblem, requireOwnDataDir, withDataDirLock, writeOwner } from '../../cli/home/data-dir.js';
import { parseStackFile } from '../../cli/stack/load.js';

const temp = () => mkdtempSync(join(tmpdir(), 'data-dir-'));

describe('data directory: which paths, whose, one command at a time', () => {
  it('refuses system directories, anything inside /etc or /usr, and shared roots such as / and the home directory', () => {
    for (const path of ['/', '/etc', '/etc/passwd', '/usr/local/share/x', '/proc/1', '/var', '/var/lib', '/tmp', '/home', homedir()]) {
      expect(dataDirPathProblem(path), path).toBeDefined();
    }
    for (const path of ['/var/lib/telemetry-stack', '/tmp/x/data', join(homedir(), '.local/share/telemetry-stack/t'), '/srv/telemetry']) {
      expect(dataDirPathProblem(path), path).toBeUndefined();
    }
  });

  it('takes an absent or empty directory, or one telemetry-stack prepared (also by an earlier version); refuses a file and other files', () => {
    const dir = temp();
    expect(dataDirContentProblem(join(dir, 'absent'))).toBeUndefined();
    mkdirSync(join(dir, 'empty'));
    expect(dataDirContentProblem(join(dir, 'empty'))).toBeUndefined();
    mkdirSync(join(dir, 'ours'));
    writeOwner(join(dir, 'ours'), { name: 'a', stackFile: '/a.yaml' });
    expect(dataDirContentProblem(join(dir, 'ours'))).toBeUndefined();
    mkdirSync(join(dir, 'older'));
    writeFileSync(join(dir, 'older', '.gitignore'), '# Collected telemetry never goes into git.\n*\n');
    expect(dataDirContentProblem(join(dir, 'older'))).toBeUndefined();
    // What a first up that failed early leaves: the lock's directory alone.
    mkdirSync(join(dir, 'failed-first-up', 'run'), { recursive: true });
    expect(dataDirContentProblem(join(dir, 'failed-first-up'))).toBeUndefined();
    mkdirSync(join(dir, 'photos'));
    writeFileSync(join(dir, 'photos', 'cat.jpg'), 'x');
    expect(dataDirContentProblem(join(dir, 'photos'))).toMatch(/holds 1 entry telemetry-stack did not write \(e\.g\. cat\.jpg\)/);
    writeFileSync(join(dir, 'file'), 'x');
    expect(dataDirContentProblem(join(dir, 'file'))).toMatch(/is a file, not a directory/);
  });

  it('another stack file cannot take a data directory whose stack is running; a stopped one can be taken over', async () => {
    const dir = temp();
    writeOwner(dir, { name: 'first', stackFile: '/srv/first.yaml' });
    await expect(requireOwnDataDir({ dataDir: dir, stackFile: '/srv/second.yaml' }, async () => true)).rejects.toThrow(
      `belongs to the running stack first of /srv/first.yaml; stop it with \`telemetry-stack down -f /srv/first.yaml\``,
    );
    await expect(requireOwnDataDir({ dataDir: dir, stackFile: '/srv/second.yaml' }, async () => false)).resolves.toBeUndefined();
    await expect(requireOwnDataDir({ dataDir: dir, stackFile: '/srv/first.yaml' }, async () => true)).resolves.toBeUndefined();
  });

  it('the lock runs one holder at a time, waits for the first, and says who holds it when the wait runs out', async () => {
    const dir = temp();
    const order: string[] = [];
    let release!: () => void;
    const first = withDataDirLock(
      dir,
      'up',
      () =>
        new Promise<void>((r) => {
          order.push('first in');
          release = () => {
            order.push('first out');
            r();
          };
        }),
    );
    await new Promise((r) => setTimeout(r, 50));
    const second = withDataDirLock(dir, 'down', async () => void order.push('second in'));
    await new Promise((r) => setTimeout(r, 300));
    expect(order).toEqual(['first in']);
    const third = withDataDirLock(dir, 'up', async () => 'never', { waitMs: 200 });
    await expect(third).rejects.toThrow(new RegExp(`\`telemetry-stack up\` \\(pid ${process.pid}, since .+\\) is still working in this data directory`));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });

  it('a lock left by a process that is gone is taken over', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'run', 'lock'), JSON.stringify({ pid: 2 ** 22 + 7, what: 'up', since: 'then' }));
    await expect(withDataDirLock(dir, 'up', async () => 'ran', { waitMs: 500 })).resolves.toBe('ran');
  });
});

describe('stack file limits: refused in time linear in the file, one line each', () => {
  const problems = (text: string) => parseStackFile(text, 'telemetry-stack.yaml', {}).problems.map((p) => `${p.line}: ${p.path ? `${p.path}: ` : ''}${p.message}`);

  it('retention from 1d to 3650d', () => {
    expect(problems('version: 1\nretention: 0d\n')).toEqual(['2: retention: at least 1d: shorter retention stores every event already expired']);
    expect(problems('version: 1\nretention: 23h\n')).toHaveLength(1);
    expect(problems('version: 1\nretention: 3651d\n')).toEqual(['2: retention: at most 3650d (ten years)']);
    expect(problems('version: 1\nretention: 1d\n')).toEqual([]);
    expect(problems('version: 1\nretention: soon\n')).toEqual(['2: retention: expected a duration such as 500ms, 30s, 5m, 12h or 90d']);
  });

  it('60,000 keys (under 1 MiB): one problem at the first key past the limit', () => {
    const text = ['version: 1', 'x:', ...Array.from({ length: 60_000 }, (_, i) => `  k${i}: ${i}`)].join('\n');
    expect(problems(text)).toEqual(['10001: more than 10000 keys; a stack file needs a few dozen']);
  });

  it('a duplicate key names its line; a file over 1 MiB is refused before parsing', () => {
    expect(problems('version: 1\nname: a\nname: b\n')).toEqual(['3: name: duplicate key; keep one']);
    expect(problems(`version: 1\n# ${'x'.repeat(1024 * 1024)}\n`)[0]).toMatch(/^1: the file is \d+ bytes; a stack file holds at most 1048576 \(1 MiB\)$/);
  });
});
