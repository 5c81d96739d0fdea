import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stoppedOnRequest } from '../../cli/runtime/process/managed-process.js';
import { ensureLauncher, libchdbPath } from '../../cli/store/embedded/launcher-build.js';
import { startLauncher, type RunningLauncher } from '../../cli/store/embedded/launcher-process.js';
import { tempDir } from './helpers.js';

// The engine ends the launcher with exit code 1 when a client holds an idle keep-alive
// connection at SIGTERM; the launcher's "stopping" line makes that a clean stop for the CLI.

const dir = tempDir('chdb-server-stop');
let server: RunningLauncher | undefined;

afterAll(async () => {
  await server?.stop(5000);
  dir.remove();
});

function get(url: string, agent: Agent, auth: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: auth } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('stopping the launcher', () => {
  it('an idle keep-alive connection at SIGTERM still counts as a clean stop, and the rows are on disk', { timeout: 180_000 }, async () => {
    const secrets = join(dir.path, 'secrets');
    mkdirSync(secrets, { recursive: true, mode: 0o700 });
    const options = {
      binary: await ensureLauncher(),
      libchdb: libchdbPath(),
      dataDir: join(dir.path, 'clickhouse'),
      writerPasswordFile: join(secrets, 'w'),
      readerPasswordFile: join(secrets, 'r'),
    };
    server = await startLauncher(options);
    const writer = `Basic ${Buffer.from(`${server.ready.writerUser}:${readFileSync(options.writerPasswordFile, 'utf8').trim()}`).toString('base64')}`;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const q = (sql: string) => get(`${server!.ready.url}/?query=${encodeURIComponent(sql)}`, agent, writer);
    // GET is read-only in ClickHouse's HTTP interface; DDL and inserts go by POST.
    const post = (sql: string) =>
      fetch(`${server!.ready.url}/`, { method: 'POST', headers: { authorization: writer }, body: sql }).then(async (r) => {
        if (!r.ok) throw new Error(await r.text());
      });
    await post('CREATE DATABASE IF NOT EXISTS telemetry');
    await post('CREATE TABLE telemetry.t (n UInt32) ENGINE = MergeTree ORDER BY n');
    await post('INSERT INTO telemetry.t VALUES (5), (6)');
    expect((await q('SELECT sum(n) FROM telemetry.t')).trim()).toBe('11');
    // The agent's socket stays open and idle now.
    const stopped = server;
    expect(await stopped.stop(30_000)).toBe(0);
    // On record: the process's own exit code (1 when the engine's shutdown met the open connection).
    console.log(`[chdb-server stop] exit code ${await stopped.exited} with an idle keep-alive connection open; stop() reported 0`);
    agent.destroy();

    server = await startLauncher(options);
    const again = `Basic ${Buffer.from(`${server.ready.readerUser}:${readFileSync(options.readerPasswordFile, 'utf8').trim()}`).toString('base64')}`;
    const fresh = new Agent({ keepAlive: false });
    expect((await get(`${server.ready.url}/?query=${encodeURIComponent('SELECT sum(n) FROM telemetry.t')}`, fresh, again)).trim()).toBe('11');
  });

  it('reads the launcher log: after a stopping or stopped line the exit was asked for; after ready alone it was not', () => {
    const log = join(dir.path, 'part.log');
    writeFileSync(log, 'Logging information to x\n{"event":"ready","pid":1}\n');
    expect(stoppedOnRequest(log)).toBe(false);
    writeFileSync(log, '{"event":"ready","pid":1}\n{"event":"stopping","signal":"terminated","pid":1}\nsome engine line\n');
    expect(stoppedOnRequest(log)).toBe(true);
    writeFileSync(log, '{"event":"stopped","pid":1}\n{"event":"ready","pid":2}\n');
    expect(stoppedOnRequest(log)).toBe(false);
    expect(stoppedOnRequest(join(dir.path, 'missing.log'))).toBe(false);
  });
});
