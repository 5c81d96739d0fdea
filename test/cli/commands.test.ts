import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { triggersFixture } from '../support/lint-fixtures.js';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'telemetry-stack-cli-'));
const fixtureStack = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'stacks', name);

describe('telemetry-stack commands', () => {
  for (const backend of ['clickhouse', 'embedded', 'loki']) {
    it(`init --backend ${backend}, generate, validate exit 0 in an empty directory`, async () => {
      const cwd = emptyDir();
      const env = { ...process.env, XDG_DATA_HOME: join(cwd, 'xdg') };
      const init = await runCli(['init', '--backend', backend], { cwd, env });
      expect(init.stderr).toBe('');
      expect(init.exitCode).toBe(0);
      expect(readFileSync(join(cwd, 'telemetry-stack.yaml'), 'utf8')).toContain(`backend: ${backend}`);

      const generate = await runCli(['generate', '--json'], { cwd, env });
      expect(generate.exitCode).toBe(0);
      const written = (JSON.parse(generate.stdout) as { files: string[] }).files;
      expect(written).toContain(join(cwd, 'generated', 'collector.yaml'));
      for (const f of written) expect(existsSync(f)).toBe(true);
      if (backend === 'loki') expect(written).toContain(join(cwd, 'generated', 'compose', 'loki.yaml'));
      else expect(written).toContain(join(cwd, 'generated', 'clickhouse', 'rollups.sql'));
      if (backend !== 'embedded') expect(written).toContain(join(cwd, 'generated', 'compose', 'compose.yaml'));

      const validate = await runCli(['validate'], { cwd, env });
      expect(validate.stderr).toBe('');
      expect(validate.exitCode).toBe(0);
      expect(validate.stdout).toContain(`backend ${backend}`);
    });
  }

  it('a stack file with three mistakes: three one-line errors with lines and paths, exit 1, no stack trace', async () => {
    const file = fixtureStack('three-mistakes.yaml');
    const r = await runCli(['validate', '-f', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`telemetry-stack: ${file}: 3 errors`);
    expect(lines.slice(1)).toEqual([
      `  ${file}:4: backnd: unknown key; did you mean 'backend'?`,
      `  ${file}:5: runtime: expected one of "auto", "docker", "process"`,
      `  ${file}:8: receivers.http.port: Too big: expected number to be <=65535`,
    ]);
  });

  it('a missing stack file is one line naming the fix', async () => {
    const r = await runCli(['validate'], { cwd: emptyDir() });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('telemetry-stack init');
  });

  it('generate writes nothing when the stack file has an error', async () => {
    const cwd = emptyDir();
    const r = await runCli(['generate', '-f', fixtureStack('three-mistakes.yaml'), '--out', join(cwd, 'out')], { cwd });
    expect(r.exitCode).toBe(1);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('generate --stdout prints every file and writes none', async () => {
    const cwd = emptyDir();
    await runCli(['init', '--backend', 'loki'], { cwd });
    const r = await runCli(['generate', '--stdout'], { cwd });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('# ==> collector.yaml <==');
    expect(r.stdout).toContain('# ==> compose/loki.yaml <==');
    expect(readdirSync(cwd)).toEqual(['telemetry-stack.yaml']);
  });

  it('lint flags a batch processor before a file_storage-backed exporter; --format github prints annotations', async () => {
    const file = triggersFixture('batch-before-persistent-queue');
    const human = await runCli(['lint', file]);
    expect(human.exitCode).toBe(1);
    expect(human.stdout).toMatch(/triggers\.yaml:\d+: error: batch runs before otlp_http .*\[batch-before-persistent-queue\]/);
    const github = await runCli(['lint', '--format', 'github', file]);
    expect(github.exitCode).toBe(1);
    expect(github.stdout).toMatch(/^::error file=.+,line=\d+,title=batch-before-persistent-queue::batch runs before/m);
  });

  it('usage mistakes exit 2 with one line', async () => {
    const unknownFormat = await runCli(['lint', '--format', 'xml', triggersFixture('unused-component')]);
    expect(unknownFormat.exitCode).toBe(2);
    expect(unknownFormat.stderr.trim().split('\n')).toHaveLength(1);
    const unknownCommand = await runCli(['genrate']);
    expect(unknownCommand.exitCode).toBe(2);
    expect(unknownCommand.stderr).toContain('generate');
    const noFiles = await runCli(['lint']);
    expect(noFiles.exitCode).toBe(2);
    // Refused before anything is built.
    const unknownImage = await runCli(['images', 'build', 'clickhouse-server']);
    expect(unknownImage.exitCode).toBe(2);
    expect(unknownImage.stderr.trim().split('\n')).toEqual([expect.stringContaining('images build clickhouse-server: unknown image; expected collector, chdb-server')]);
  });

  it('init refuses to overwrite without --force', async () => {
    const cwd = emptyDir();
    expect((await runCli(['init'], { cwd })).exitCode).toBe(0);
    const again = await runCli(['init'], { cwd });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('--force');
    expect((await runCli(['init', '--force', '--backend', 'loki'], { cwd })).exitCode).toBe(0);
  });
});
