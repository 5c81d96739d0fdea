import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, readRecord } from '../../cli/home/run-records.js';
import { stopProcess } from '../../cli/runtime/process/managed-process.js';
import { writeOwner } from '../../cli/home/data-dir.js';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';
import { repoRoot } from '../store/helpers.js';

/**
 * A data directory as the earlier node:http front left it (a chdb session's engine/ beside its
 * engine-config.xml and spool/ of unacknowledged bodies) holds rows; `up` from this version
 * starts the chdb-server launcher on it, and the rows are still there. The front itself is gone
 * from the code, so its engine directory is written the way it wrote it: one chdb session of the
 * npm package on `<dataDir>/clickhouse/engine`, in a child process (the engine is process-wide).
 */

let stack: TestStack;

const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir });

/** Runs statements in one chdb session on `engineDir`, as the earlier front did. */
async function earlierFront(engineDir: string, statements: string[]): Promise<void> {
  const script = [
    "import { Session } from 'chdb';",
    'const [dir, ...sql] = JSON.parse(process.argv[1]);',
    'const session = new Session(dir);',
    'for (const q of sql) session.query(q);',
    'session.close();',
  ].join('\n');
  await execa(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([engineDir, ...statements])], { cwd: repoRoot, timeout: 120_000 });
}

beforeAll(async () => {
  await testCollectorBinary();
  stack = await writeTestStack();
});

afterAll(async () => {
  if (!stack) return;
  await cli(['down']);
  // Whatever the test left running, by its recorded pid only.
  const left = readRecord(stack.dataDir, 'clickhouse');
  if (left && isAlive(left)) await stopProcess(stack.dataDir, left, 5000);
  rmSync(stack.dir, { recursive: true, force: true });
});

describe('upgrade from the node:http front to the chdb-server launcher', () => {
  it("up starts the launcher on the earlier data directory, keeps its rows and removes the front's own files", { timeout: 240_000 }, async () => {
    const storeDir = join(stack.dataDir, 'clickhouse');
    mkdirSync(storeDir, { recursive: true, mode: 0o700 });
    // What the earlier `up` left in the data directory besides its storage: the owner marker.
    writeOwner(stack.dataDir, { name: 'it', stackFile: stack.file });
    const ddl = readFileSync(join(repoRoot, 'configs', 'clickhouse', 'exporter-ddl-v0.161.0.sql'), 'utf8');
    const createLogs = /CREATE TABLE telemetry\.otel_logs[\s\S]*?(?=\n\s*\nCREATE|\s*$)/.exec(ddl)![0];
    await earlierFront(join(storeDir, 'engine'), [
      'CREATE DATABASE IF NOT EXISTS telemetry',
      createLogs,
      "INSERT INTO telemetry.otel_logs (Timestamp, ServiceName, Body) VALUES (now64(9), 'legacy-front', 'a'), (now64(9), 'legacy-front', 'b'), (now64(9), 'legacy-front', 'c')",
    ]);
    writeFileSync(join(storeDir, 'engine-config.xml'), '<clickhouse><display_name>telemetry-stack-embedded</display_name></clickhouse>\n', { mode: 0o600 });
    mkdirSync(join(storeDir, 'spool'), { mode: 0o700 });
    writeFileSync(join(storeDir, 'spool', 'unacknowledged.bin'), 'never acknowledged');

    const up = await cli(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    const record = readRecord(stack.dataDir, 'clickhouse')!;
    expect(record.command).toMatch(/chdb-server$/);
    // The launcher removes the earlier front's own files and keeps engine/.
    expect(existsSync(join(storeDir, 'engine-config.xml'))).toBe(false);
    expect(existsSync(join(storeDir, 'spool'))).toBe(false);

    const q = await cli(['query', '--sql', "SELECT count() AS n, arrayStringConcat(arraySort(groupArray(Body)), ',') AS bodies FROM otel_logs WHERE ServiceName = 'legacy-front'", '--json']);
    expect(q.exitCode, q.stderr).toBe(0);
    expect(q.stderr).not.toMatch(STACK_TRACE);
    const rows = (JSON.parse(q.stdout) as { rows: { n: number; bodies: string }[] }).rows;
    expect(rows).toEqual([{ n: 3, bodies: 'a,b,c' }]);

    // And the next start of the launcher (down, up) still has them.
    expect((await cli(['down'])).exitCode).toBe(0);
    expect((await cli(['up'])).exitCode).toBe(0);
    const again = await cli(['query', '--sql', "SELECT count() AS n FROM otel_logs WHERE ServiceName = 'legacy-front'", '--json']);
    expect((JSON.parse(again.stdout) as { rows: { n: number }[] }).rows).toEqual([{ n: 3 }]);
  });
});
