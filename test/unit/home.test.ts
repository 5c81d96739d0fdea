import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirContentProblem, prepareDataDir, readOwner } from '../../cli/home/data-dir.js';
import { homeOf } from '../../cli/home/layout.js';
import { isAlive, readRecord, removeRecord, writeRecord, type ProcessRecord } from '../../cli/home/run-records.js';
import { loadOrCreateSecrets, readClickHousePassword, readClickHouseReaderPassword, readHmacKey } from '../../cli/home/secrets.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack } from '../../cli/stack/resolve.js';

const temp = () => mkdtempSync(join(tmpdir(), 'home-'));
const stackIn = (dataDir: string, yaml = '') => resolveStack(parseStackFile(`version: 1\nname: t\ndataDir: ${dataDir}\n${yaml}`, 's.yaml', {}).stack!, '/srv/s.yaml', {});
const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('home: the data directory layout', () => {
  // These names are what data directories written by earlier versions hold: changing one loses
  // a stack's secrets (its users' hashes stop matching), its run records or its queue.
  it('names every path under the data directory as earlier versions wrote them', () => {
    const home = homeOf('/d');
    expect({ ...home, recordFile: undefined, logFile: undefined }).toEqual({
      dataDir: '/d',
      ownerFile: '/d/.telemetry-stack',
      gitignoreFile: '/d/.gitignore',
      configDir: '/d/config',
      collectorConfigFile: '/d/config/collector.yaml',
      composeDir: '/d/config/compose',
      secretsDir: '/d/secrets',
      clickhousePasswordFile: '/d/secrets/clickhouse-password',
      clickhouseReaderPasswordFile: '/d/secrets/clickhouse-reader-password',
      hmacKeyFile: '/d/secrets/hmac-key',
      tlsDir: '/d/tls',
      tls: { caFile: '/d/tls/ca.pem', caKeyFile: '/d/tls/ca-key.pem', certFile: '/d/tls/cert.pem', keyFile: '/d/tls/key.pem' },
      runDir: '/d/run',
      lockFile: '/d/run/lock',
      supervisorStateFile: '/d/run/supervisor.json',
      logsDir: '/d/logs',
      supervisorLogFile: '/d/logs/supervisor.log',
      queueDir: '/d/queue',
      engineDir: '/d/clickhouse',
      recordFile: undefined,
      logFile: undefined,
    });
    expect(home.recordFile('collector')).toBe('/d/run/collector.json');
    expect(home.logFile('clickhouse')).toBe('/d/logs/clickhouse.log');
  });

  it('prepares the directory: private, ignored by git, marked with its stack', () => {
    const dir = join(temp(), 'data');
    const stack = stackIn(dir);
    prepareDataDir(stack);
    expect(modeOf(dir)).toBe(0o700);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('# Collected telemetry never goes into git.\n*\n');
    expect(readOwner(dir)).toEqual({ name: 't', stackFile: '/srv/s.yaml' });
    expect(modeOf(join(dir, '.telemetry-stack'))).toBe(0o600);
    expect(dataDirContentProblem(dir)).toBeUndefined();
  });
});

describe('home: secrets', () => {
  it('generates each secret once, 0600 in a 0700 directory, and reuses it', () => {
    const dir = temp();
    const stack = stackIn(dir);
    const first = loadOrCreateSecrets(stack, {}, { create: true });
    const home = homeOf(dir);
    expect(modeOf(home.secretsDir)).toBe(0o700);
    for (const file of [home.clickhousePasswordFile, home.clickhouseReaderPasswordFile, home.hmacKeyFile]) expect(modeOf(file), file).toBe(0o600);
    const password = readFileSync(home.clickhousePasswordFile, 'utf8');
    expect(password).toMatch(/^[0-9a-f]{48}\n$/);
    expect(readFileSync(home.clickhouseReaderPasswordFile, 'utf8')).toMatch(/^[0-9a-f]{48}\n$/);
    expect(readFileSync(home.hmacKeyFile, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(first.env).toEqual({ TELEMETRY_STACK_CLICKHOUSE_PASSWORD: password.trim(), TELEMETRY_STACK_HMAC_KEY: readFileSync(home.hmacKeyFile, 'utf8').trim() });
    expect(first.readerPassword).toBe(readFileSync(home.clickhouseReaderPasswordFile, 'utf8').trim());
    expect(first.generated).toEqual([
      `generated ClickHouse password in ${home.clickhousePasswordFile} (0600)`,
      `generated ClickHouse read-only password in ${home.clickhouseReaderPasswordFile} (0600)`,
      `generated HMAC key for user ids in ${home.hmacKeyFile} (0600)`,
    ]);

    const again = loadOrCreateSecrets(stack, {}, { create: true });
    expect(again.env).toEqual(first.env);
    expect(again.readerPassword).toBe(first.readerPassword);
    expect(again.generated).toEqual([]);
  });

  it('tightens a secret file others could read, and prefers the environment', () => {
    const dir = temp();
    const stack = stackIn(dir);
    loadOrCreateSecrets(stack, {}, { create: true });
    const file = homeOf(dir).clickhousePasswordFile;
    chmodSync(file, 0o644);
    loadOrCreateSecrets(stack, {}, { create: false });
    expect(modeOf(file)).toBe(0o600);
    const env = { TELEMETRY_STACK_CLICKHOUSE_PASSWORD: 'from-env', TELEMETRY_STACK_HMAC_KEY: 'k'.repeat(32) };
    expect(loadOrCreateSecrets(stack, env, { create: false }).env).toEqual(env);
    expect(readClickHousePassword(stack, env)).toBe('from-env');
    expect(readHmacKey(stack, env)).toBe('k'.repeat(32));
  });

  it('the readers give back what up stored', () => {
    const dir = temp();
    const stack = stackIn(dir);
    const secrets = loadOrCreateSecrets(stack, {}, { create: true });
    expect(readClickHousePassword(stack, {})).toBe(secrets.env['TELEMETRY_STACK_CLICKHOUSE_PASSWORD']);
    expect(readClickHouseReaderPassword(stack, {})).toBe(secrets.readerPassword);
    expect(readHmacKey(stack, {})).toBe(secrets.env['TELEMETRY_STACK_HMAC_KEY']);
  });

  it('without up, each reader says which file is missing and how to make it', () => {
    const dir = temp();
    const stack = stackIn(dir);
    const home = homeOf(dir);
    expect(() => loadOrCreateSecrets(stack, {}, { create: false })).toThrow(
      `${home.clickhousePasswordFile}: missing; run \`telemetry-stack up\` once to generate it, or set the variable in the environment`,
    );
    expect(existsSync(home.secretsDir)).toBe(false);
    expect(() => readClickHousePassword(stack, {})).toThrow(
      `$TELEMETRY_STACK_CLICKHOUSE_PASSWORD is not set and ${home.clickhousePasswordFile} does not exist; run \`telemetry-stack up\` first, or set TELEMETRY_STACK_CLICKHOUSE_PASSWORD`,
    );
    expect(() => readClickHouseReaderPassword(stack, {})).toThrow(`${home.clickhouseReaderPasswordFile} does not exist; run \`telemetry-stack up\` (it creates the read-only user's password)`);
    expect(() => readHmacKey(stack, {})).toThrow(`$TELEMETRY_STACK_HMAC_KEY is not set and ${home.hmacKeyFile} does not exist; set TELEMETRY_STACK_HMAC_KEY to the key the stack hashes user ids with`);
  });

  it("a ClickHouse server of the user's has one user: the reader password is the writer one, and none is generated", () => {
    const dir = temp();
    const stack = stackIn(dir, 'backend: clickhouse\nclickhouse:\n  url: http://127.0.0.1:8123\n');
    const env = { TELEMETRY_STACK_CLICKHOUSE_PASSWORD: 'theirs' };
    expect(readClickHouseReaderPassword(stack, env)).toBe('theirs');
    const secrets = loadOrCreateSecrets(stack, { ...env, TELEMETRY_STACK_HMAC_KEY: 'k'.repeat(32) }, { create: true });
    expect(secrets.readerPassword).toBeUndefined();
    expect(existsSync(homeOf(dir).clickhousePasswordFile)).toBe(false);
  });
});

describe('home: run records', () => {
  const record = (dataDir: string, pid: number, command: string): ProcessRecord => ({
    component: 'collector',
    pid,
    command,
    args: ['--config=file:/d/config/collector.yaml'],
    ports: [4317, 4318],
    startedAt: '2026-01-01T00:00:00.000Z',
    logFile: homeOf(dataDir).logFile('collector'),
    fingerprint: 'abc123',
  });

  it('round trip: written 0600 under run/, read back as written, removed', () => {
    const dir = temp();
    const written = record(dir, process.pid, process.execPath);
    writeRecord(dir, written);
    const file = homeOf(dir).recordFile('collector');
    expect(modeOf(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(written);
    expect(readRecord(dir, 'collector')).toEqual(written);
    removeRecord(dir, 'collector');
    expect(existsSync(file)).toBe(false);
    expect(readRecord(dir, 'collector')).toBeUndefined();
  });

  it('a torn record is as good as none', () => {
    const dir = temp();
    writeRecord(dir, record(dir, process.pid, process.execPath));
    writeFileSync(homeOf(dir).recordFile('collector'), '{"component": "coll');
    expect(readRecord(dir, 'collector')).toBeUndefined();
  });

  it('a record is live only while its pid runs its command', () => {
    const dir = temp();
    expect(isAlive(record(dir, process.pid, process.execPath))).toBe(true);
    // Our pid, another command: what a reused pid after a reboot looks like.
    expect(isAlive(record(dir, process.pid, '/nowhere/otelcol-telemetry-stack'))).toBe(false);
    expect(isAlive(record(dir, 2 ** 22 + 7, process.execPath))).toBe(false);
  });
});
