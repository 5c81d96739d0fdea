import { ClickHouseLogLevel, createClient, type ClickHouseClient, ClickHouseError } from '@clickhouse/client';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLauncher, libchdbPath } from '../../cli/store/embedded/launcher-build.js';
import { startLauncher, type RunningLauncher } from '../../cli/store/embedded/launcher-process.js';
import { tempDir } from './helpers.js';

// ClickHouse's own server from libchdb, attacked as the read-only user would be: every table
// function the engine lists that reads files, URLs or other servers must be refused by the
// engine itself (grants), not by the CLI's guard.

// Table functions that read nothing outside the engine: generators and views over tables the
// user could read anyway. Every other one in system.table_functions is tried below.
const INSIDE_ONLY = new Set([
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'generateRandom',
  'generate_series',
  'generateSeries',
  'values',
  'view',
  'viewIfPermitted',
  'viewExplain',
  'merge',
  'null',
  'format',
  'primes',
  'fuzzJSON',
  'fuzzQuery',
  'loop',
  'input',
  'mergeTreeIndex',
  'mergeTreeProjection',
  'mergeTreeAnalyzeIndexes',
  'mergeTreePartInfo',
  'SQLStandardValues',
]);

let dir: { path: string; remove: () => void };
let server: RunningLauncher;
let reader: ClickHouseClient;
let writer: ClickHouseClient;
const dataDir = (): string => join(dir.path, 'data');
const secretsDir = (): string => join(dataDir(), 'secrets');

async function refusal(query: string): Promise<ClickHouseError> {
  try {
    const rs = await reader.query({ query, format: 'JSONEachRow' });
    const rows = await rs.json();
    throw new Error(`${query}: answered ${JSON.stringify(rows).slice(0, 200)}`);
  } catch (e) {
    if (e instanceof ClickHouseError) return e;
    throw e;
  }
}

function argumentsFor(name: string): string {
  const http = `'${server.ready.url}/ping'`;
  const lower = name.toLowerCase();
  if (lower === 'filesystem') return `('${secretsDir()}')`;
  if (lower.startsWith('file')) return `('${join(secretsDir(), 'clickhouse-password')}', 'LineAsString')`;
  if (lower.startsWith('remote')) return `('127.0.0.1:${server.ready.tcpPort}', system.one)`;
  if (lower.startsWith('cluster')) return `('default', system.one)`;
  if (lower.startsWith('url')) return `(${http}, 'LineAsString')`;
  if (lower === 'mysql' || lower === 'postgresql') return `('127.0.0.1:1', 'db', 't', 'u', 'p')`;
  if (lower === 'mongodb') return `('127.0.0.1:1', 'db', 'c', 'u', 'p', 'x String')`;
  if (lower === 'redis') return `('127.0.0.1:1', 'k', 'k String')`;
  if (lower === 'executable' || lower === 'executablepool') return `('cat /etc/passwd', 'LineAsString', 'x String')`;
  return `(${http}, 'LineAsString')`;
}

beforeAll(async () => {
  dir = tempDir('chdb-server-safety');
  mkdirSync(secretsDir(), { recursive: true, mode: 0o700 });
  const binary = await ensureLauncher();
  server = await startLauncher({
    binary,
    libchdb: libchdbPath(),
    dataDir: join(dataDir(), 'clickhouse'),
    writerPasswordFile: join(secretsDir(), 'clickhouse-password'),
    readerPasswordFile: join(secretsDir(), 'clickhouse-reader-password'),
  });
  writeFileSync(join(secretsDir(), 'canary'), 'not for readers\n', { mode: 0o600 });
  const pw = (f: string): string => readFileSync(join(secretsDir(), f), 'utf8').trim();
  reader = createClient({ url: server.ready.url, username: server.ready.readerUser, password: pw('clickhouse-reader-password'), database: 'telemetry', log: { level: ClickHouseLogLevel.OFF } });
  writer = createClient({ url: server.ready.url, username: server.ready.writerUser, password: pw('clickhouse-password'), log: { level: ClickHouseLogLevel.OFF } });
  await writer.command({ query: 'CREATE DATABASE IF NOT EXISTS telemetry' });
  await writer.command({ query: 'CREATE TABLE telemetry.events (n UInt32) ENGINE = MergeTree ORDER BY n' });
  await writer.insert({ table: 'telemetry.events', values: [{ n: 1 }, { n: 2 }], format: 'JSONEachRow' });
}, 180_000);

afterAll(async () => {
  await reader?.close();
  await writer?.close();
  await server?.stop();
  dir?.remove();
});

describe('chdb-server: the read-only user cannot leave the engine', () => {
  it('reads the telemetry and reports readonly = 1, which it cannot lift', async () => {
    const rs = await reader.query({ query: "SELECT sum(n) AS s, getSetting('readonly') AS ro FROM events", format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ s: 3, ro: 1 }]);
    expect((await refusal('SELECT 1 SETTINGS readonly = 0')).code).toBe('164');
    expect((await refusal('SELECT 1 SETTINGS allow_ddl = 1, readonly = 0')).code).toBe('164');
  });

  it('cannot write, create or drop', async () => {
    for (const q of ['INSERT INTO events VALUES (3)', 'CREATE TABLE t (a Int8) ENGINE = Memory', 'DROP TABLE events', 'ALTER TABLE events DELETE WHERE 1']) {
      const e = await refusal(q);
      expect(['164', '497'], q).toContain(e.code);
    }
  });

  it('is refused by the engine for filesystem(), file(), url() and remote() on the secrets', async () => {
    const cases: Record<string, string> = {
      [`SELECT name, content FROM filesystem('${secretsDir()}')`]: 'READ ON FILE',
      [`SELECT * FROM file('${join(secretsDir(), 'canary')}', 'LineAsString')`]: 'READ ON FILE',
      [`SELECT * FROM url('${server.ready.url}/ping', 'LineAsString')`]: 'READ ON URL',
      [`SELECT * FROM remote('127.0.0.1:${server.ready.tcpPort}', system.one)`]: 'READ ON REMOTE',
    };
    for (const [q, grant] of Object.entries(cases)) {
      const e = await refusal(q);
      expect(e.code, q).toBe('497');
      expect(e.message, q).toContain(grant);
    }
  });

  it('is refused for every table function in system.table_functions that reaches outside', async () => {
    const rs = await reader.query({ query: 'SELECT name FROM system.table_functions ORDER BY name', format: 'JSONEachRow' });
    const names = ((await rs.json()) as { name: string }[]).map((r) => r.name);
    expect(names.length).toBeGreaterThan(40);
    const outside = names.filter((n) => !INSIDE_ONLY.has(n));
    const outcome: Record<string, string> = {};
    for (const name of outside) {
      try {
        await (await reader.query({ query: `SELECT * FROM ${name}${argumentsFor(name)} LIMIT 1`, format: 'JSONEachRow' })).json();
        outcome[name] = 'ANSWERED';
      } catch (e) {
        if (!(e instanceof ClickHouseError)) throw e;
        outcome[name] = `${e.code} ${e.type ?? ''}`.trim();
      }
    }
    // Written to the test log so the list of refused functions and their codes is on record.
    console.log(
      `refused table functions (${outside.length}):\n${Object.entries(outcome)
        .map(([n, c]) => `  ${n}: ${c}`)
        .join('\n')}`,
    );
    // Nothing outside answers; *Cluster functions fail earlier for want of a configured cluster.
    expect(Object.entries(outcome).filter(([, c]) => c === 'ANSWERED')).toEqual([]);
    const accessDenied = Object.entries(outcome)
      .filter(([, c]) => c.startsWith('497'))
      .map(([n]) => n);
    for (const core of ['file', 'filesystem', 'url', 'remote', 'remoteSecure', 's3', 'executable', 'mysql', 'postgresql', 'mongodb', 'redis', 'hdfs', 'azureBlobStorage', 'iceberg', 'deltaLake']) {
      if (names.includes(core)) expect(accessDenied, core).toContain(core);
    }
  });
});
