import { createClient, type ClickHouseClient, ClickHouseError } from '@clickhouse/client';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchEmbeddedServer, type LaunchedServer } from '../../cli/store/embedded/launch.js';
import { compiledServerEntry, tempDir } from './helpers.js';

// One server for the file: starting the engine costs about a second and 600 MB of mappings.
let entry: string;
let dir: { path: string; remove: () => void };
let server: LaunchedServer;
let password: string;
let client: ClickHouseClient;
const passwordFile = (): string => join(dir.path, 'secrets', 'clickhouse-password');
const dataDir = (): string => join(dir.path, 'data');

function open(extra: Parameters<typeof createClient>[0] = {}): ClickHouseClient {
  return createClient({ url: server.ready.url, username: 'default', password, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<ClickHouseError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ClickHouseError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

async function httpQuery(query: string, init: RequestInit & { params?: Record<string, string> } = {}): Promise<Response> {
  const url = new URL(server.ready.url);
  url.searchParams.set('query', query);
  for (const [k, v] of Object.entries(init.params ?? {})) url.searchParams.set(k, v);
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Basic ${Buffer.from(`default:${password}`).toString('base64')}`);
  return fetch(url, { ...init, headers });
}

beforeAll(async () => {
  entry = compiledServerEntry();
  dir = tempDir('embedded-store');
  server = await launchEmbeddedServer({ entry, dataDir: dataDir(), passwordFile: passwordFile() });
  password = readFileSync(passwordFile(), 'utf8').trim();
  client = open();
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
  dir?.remove();
});

describe('embedded store over HTTP', () => {
  it('listens on loopback, generated a private password, and answers /ping without credentials', async () => {
    expect(server.ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.ready.passwordFileCreated).toBe(true);
    expect(statSync(passwordFile()).mode & 0o777).toBe(0o600);
    expect(password.length).toBeGreaterThanOrEqual(40);
    const r = await fetch(`${server.ready.url}/ping`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('Ok.\n');
    expect(await (await fetch(`${server.ready.url}/`)).text()).toBe('Ok.\n');
    expect((await client.ping()).success).toBe(true);
    const hello = await httpQuery('SELECT displayName() FORMAT TSV');
    expect(hello.headers.get('x-clickhouse-server-display-name')).toBe('telemetry-stack-embedded');
    expect(await hello.text()).toBe('telemetry-stack-embedded\n');
  });

  it('refuses queries without the password, with ClickHouse error codes', async () => {
    const noPassword = await httpQuery('SELECT 1', { headers: { authorization: '' } });
    expect(noPassword.status).toBe(401);
    expect(noPassword.headers.get('x-clickhouse-exception-code')).toBe('194');
    const wrong = open({ password: 'not-the-password' });
    const err = await rejection(wrong.query({ query: 'SELECT 1' }));
    expect(err.code).toBe('516');
    expect(err.type).toBe('AUTHENTICATION_FAILED');
    await wrong.close();
    // X-ClickHouse-User/Key and URL parameters are the other two ways ClickHouse takes credentials.
    const viaHeaders = await httpQuery('SELECT 42', { headers: { authorization: '', 'x-clickhouse-user': 'default', 'x-clickhouse-key': password } });
    expect(await viaHeaders.text()).toBe('42\n');
    const viaParams = await httpQuery('SELECT 43', { headers: { authorization: '' }, params: { user: 'default', password } });
    expect(await viaParams.text()).toBe('43\n');
  });

  it('runs DDL, JSONEachRow inserts and parameterised JSON reads through @clickhouse/client', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS app' });
    await client.command({
      query: 'CREATE TABLE IF NOT EXISTS app.events (id UInt64, user String, at DateTime64(3), tags Map(String, String)) ENGINE = MergeTree ORDER BY id',
    });
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      id: i,
      user: i % 2 === 0 ? "o'brien\ttab" : 'ann',
      at: '2026-01-02 03:04:05.678',
      tags: { k: String(i % 7) },
    }));
    await client.insert({ table: 'app.events', values: rows, format: 'JSONEachRow' });

    const rs = await client.query({
      query: 'SELECT count() AS n, uniqExact(user) AS users FROM app.events WHERE user = {user:String} OR id >= {from:UInt64}',
      query_params: { user: "o'brien\ttab", from: 990 },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: 505, users: 2 }]);

    const one = await client.query({ query: 'SELECT id, user, at, tags FROM app.events WHERE id = 4', format: 'JSON' });
    const doc = (await one.json()) as { data: unknown[]; rows: number };
    expect(doc.rows).toBe(1);
    expect(doc.data[0]).toEqual({ id: 4, user: "o'brien\ttab", at: '2026-01-02 03:04:05.678', tags: { k: '4' } });
  });

  it('reports engine errors with the code, type and message clients parse', async () => {
    const err = await rejection(client.query({ query: 'SELECT * FROM app.no_such_table' }));
    expect(err.code).toBe('60');
    expect(err.type).toBe('UNKNOWN_TABLE');
    const syntax = await rejection(client.query({ query: 'SELEC 1' }));
    expect(syntax.type).toBe('SYNTAX_ERROR');
  });

  it('applies settings to one request only', async () => {
    const read = async (settings?: Record<string, string>): Promise<string> => {
      const rs = await client.query({ query: "SELECT getSetting('max_result_rows') AS v", format: 'JSONEachRow', clickhouse_settings: settings ?? {} });
      return String(((await rs.json()) as { v: unknown }[])[0]?.v);
    };
    const before = await read();
    expect(await read({ max_result_rows: '12345' })).toBe('12345');
    expect(await read()).toBe(before);
    // A SET outside a session affects nothing after the request, as in ClickHouse.
    await client.command({ query: 'SET max_result_rows = 777' });
    expect(await read()).toBe(before);
  });

  it('keeps SET and USE inside an HTTP session, and only there', async () => {
    const a = open({ session_id: 'session-a' });
    await a.command({ query: 'SET max_result_rows = 4242' });
    await a.command({ query: 'USE app' });
    const rs = await a.query({ query: "SELECT getSetting('max_result_rows') AS v, currentDatabase() AS db", format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ v: 4242, db: 'app' }]);
    const other = await client.query({ query: "SELECT getSetting('max_result_rows') AS v, currentDatabase() AS db", format: 'JSONEachRow' });
    const row = ((await other.json()) as { v: unknown; db: string }[])[0];
    expect(row?.v).not.toBe(4242);
    expect(row?.db).toBe('default');
    await a.close();
  });

  it('refuses writes on GET and under readonly, and refuses multi-statements', async () => {
    const get = await httpQuery('CREATE TABLE app.x (a UInt8) ENGINE = Memory');
    expect(get.status).toBe(403);
    expect(await get.text()).toMatch(/^Code: 164\. DB::Exception: .*method GET implies readonly/);
    const ro = open({ clickhouse_settings: { readonly: '2' } });
    expect((await rejection(ro.command({ query: 'DROP TABLE app.events' }))).code).toBe('164');
    const rs = await ro.query({ query: 'SELECT count() AS n FROM app.events', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ n: 1000 }]);
    await ro.close();
    const multi = await rejection(client.command({ query: 'SELECT 1; DROP TABLE app.events' }));
    expect(multi.message).toMatch(/Multi-statements are not allowed/);
  });

  it('takes binary Native bodies for INSERT ... FORMAT Native, as clickhouse-go sends them', async () => {
    await client.command({ query: 'CREATE TABLE app.copy AS app.events' });
    const native = await httpQuery('SELECT * FROM app.events WHERE id < 300 FORMAT Native', { method: 'POST' });
    const body = Buffer.from(await native.arrayBuffer());
    expect(native.headers.get('content-type')).toBe('application/octet-stream');
    expect(body.length).toBeGreaterThan(1000);
    const ins = await httpQuery('INSERT INTO app.copy FORMAT Native', { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    expect(ins.status).toBe(200);
    const rs = await client.query({ query: 'SELECT count() AS n, sum(id) AS s FROM app.copy', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ n: 300, s: (299 * 300) / 2 }]);
    // The spool file of the insert is gone once the request is answered.
    expect(readdirSync(join(dataDir(), 'spool'))).toEqual([]);
  });

  it('decodes gzip request bodies and gzips responses when asked', async () => {
    const gz = open({ compression: { request: true, response: true } });
    await gz.insert({ table: 'app.copy', values: [{ id: 100000, user: 'gz', at: '2026-01-01 00:00:00.000', tags: {} }], format: 'JSONEachRow' });
    const rs = await gz.query({ query: "SELECT user FROM app.copy WHERE id = 100000", format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ user: 'gz' }]);
    await gz.close();
    const raw = await httpQuery('SELECT 1 FORMAT JSONEachRow', {
      method: 'POST',
      params: { enable_http_compression: '1' },
      headers: { 'accept-encoding': 'gzip' },
    });
    // fetch decodes gzip transparently; the header proves the server compressed.
    expect(raw.headers.get('content-encoding')).toBe('gzip');
    expect(await raw.text()).toBe('{"1":1}\n');
  });

  it('tells a client using ClickHouse block compression to switch it off', async () => {
    const r = await httpQuery('SELECT 1', { method: 'POST', params: { compress: '1' } });
    expect(r.status).toBe(500);
    expect(await r.text()).toMatch(/compress: none/);
  });

  it('refuses a second server on the same data directory with one line', async () => {
    const err = await launchEmbeddedServer({ entry, dataDir: dataDir(), passwordFile: passwordFile(), readyTimeoutMs: 60_000 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(new RegExp(`embedded-store: data directory .* is in use by another embedded store \\(pid ${server.pid}\\)`));
  });

  it('finishes the in-flight request on SIGTERM, refuses new ones, and keeps the data for the next start', async () => {
    // About two seconds of work, so SIGTERM lands while the request is being served.
    let answeredAt = 0;
    const slow = client
      .query({ query: 'SELECT sum(sleepEachRow(0.5)) + count() AS n FROM numbers(4) SETTINGS max_block_size = 1', format: 'JSONEachRow' })
      .then((rs) => {
        answeredAt = Date.now();
        return rs;
      });
    await new Promise((r) => setTimeout(r, 300));
    const stopAt = Date.now();
    const stopping = server.stop();
    await new Promise((r) => setTimeout(r, 100));
    const late = await fetch(`${server.ready.url}/?query=SELECT%201`).then(
      (r) => r.status,
      () => 'connection refused',
    );
    expect([503, 'connection refused']).toContain(late);
    expect(await (await slow).json()).toEqual([{ n: 4 }]);
    expect(answeredAt).toBeGreaterThan(stopAt + 1000);
    expect(await stopping).toBe(0);
    await client.close();
    server = await launchEmbeddedServer({ entry, dataDir: dataDir(), passwordFile: passwordFile() });
    expect(server.ready.passwordFileCreated).toBe(false);
    client = open();
    const rs = await client.query({ query: 'SELECT (SELECT count() FROM app.events) AS events, (SELECT count() FROM app.copy) AS copy', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ events: 1000, copy: 301 }]);
  });
});
