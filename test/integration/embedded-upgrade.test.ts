import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, readRecord, startProcess, stopProcess } from '../../cli/runtime/process/managed-process.js';
import { ensurePasswordFile } from '../../cli/store/embedded/password-file.js';
import { writeOwner } from '../../cli/runtime/data-dir.js';
import { runCli, STACK_TRACE } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';
import { compiledServerEntry, repoRoot } from '../store/helpers.js';

/**
 * A stack whose storage still runs the earlier node:http front (started exactly as `up` used to
 * start it, with its run record) holds rows; `up` from this version replaces the front with the
 * chdb-server launcher on the same data directory, and the rows are still there.
 */

let stack: TestStack;

const cli = (args: string[]) => runCli([...args, '--file', stack.file], { cwd: stack.dir });

async function oldFront(sql: string): Promise<string> {
  const password = readFileSync(join(stack.dataDir, 'secrets', 'clickhouse-password'), 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:${stack.ports.storage}/`, {
    method: 'POST',
    // The earlier front had one user, default.
    headers: { authorization: `Basic ${Buffer.from(`default:${password}`).toString('base64')}` },
    body: sql,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${sql.slice(0, 80)}: ${text}`);
  return text;
}

async function waitForPing(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${stack.ports.storage}/ping`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the earlier front did not answer /ping');
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
  it('up replaces the running earlier front and keeps the rows it stored', { timeout: 240_000 }, async () => {
    const passwordFile = join(stack.dataDir, 'secrets', 'clickhouse-password');
    ensurePasswordFile(passwordFile);
    // What the earlier `up` left in the data directory besides its storage: the owner marker.
    writeOwner(stack.dataDir, { name: 'it', stackFile: stack.file });
    // The spec the earlier process runtime wrote for its storage part.
    startProcess(stack.dataDir, {
      component: 'clickhouse',
      command: process.execPath,
      args: [compiledServerEntry(), '--data-dir', join(stack.dataDir, 'clickhouse'), '--port', String(stack.ports.storage), '--password-file', passwordFile],
      env: {},
      ports: [stack.ports.storage],
      fingerprint: 'written-by-the-earlier-front',
    });
    await waitForPing(60_000);
    const ddl = readFileSync(join(repoRoot, 'configs', 'clickhouse', 'exporter-ddl-v0.161.0.sql'), 'utf8');
    const createLogs = /CREATE TABLE telemetry\.otel_logs[\s\S]*?(?=\n\s*\nCREATE|\s*$)/.exec(ddl)![0];
    await oldFront('CREATE DATABASE IF NOT EXISTS telemetry');
    await oldFront(createLogs);
    await oldFront("INSERT INTO telemetry.otel_logs (Timestamp, ServiceName, Body) VALUES (now64(9), 'legacy-front', 'a'), (now64(9), 'legacy-front', 'b'), (now64(9), 'legacy-front', 'c')");
    expect(existsSync(join(stack.dataDir, 'clickhouse', 'engine-config.xml'))).toBe(true);

    const up = await cli(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr + up.stdout).toMatch(/clickhouse: configuration changed, restarting/);
    const record = readRecord(stack.dataDir, 'clickhouse')!;
    expect(record.command).toMatch(/chdb-server$/);
    // The launcher removes the earlier front's own files and keeps engine/.
    expect(existsSync(join(stack.dataDir, 'clickhouse', 'engine-config.xml'))).toBe(false);

    const q = await cli(['query', '--sql', "SELECT count() AS n, arrayStringConcat(arraySort(groupArray(Body)), ',') AS bodies FROM otel_logs WHERE ServiceName = 'legacy-front'", '--json']);
    expect(q.exitCode, q.stderr).toBe(0);
    expect(q.stderr).not.toMatch(STACK_TRACE);
    const rows = (JSON.parse(q.stdout) as { rows: { n: number; bodies: string }[] }).rows;
    expect(rows).toEqual([{ n: 3, bodies: 'a,b,c' }]);

    // And the next start of the new front (down, up) still has them.
    expect((await cli(['down'])).exitCode).toBe(0);
    expect((await cli(['up'])).exitCode).toBe(0);
    const again = await cli(['query', '--sql', "SELECT count() AS n FROM otel_logs WHERE ServiceName = 'legacy-front'", '--json']);
    expect((JSON.parse(again.stdout) as { rows: { n: number }[] }).rows).toEqual([{ n: 3 }]);
  });
});
