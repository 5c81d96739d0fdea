import { appendFileSync, chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackFile } from '../../cli/stack/load.js';
import { resolveStack } from '../../cli/stack/resolve.js';
import { classifyListeners } from '../../cli/verify/deep-checks.js';
import type { ListeningSocket } from '../../cli/net/listening-sockets.js';
import { STACK_TRACE } from '../support/cli.js';
import { startStack, stackUpForSuite, type RunningStack } from './support.js';

const DEEP_CHECKS = ['listeners loopback-only', 'secret files private', 'secrets not in rendered config', 'secrets not in logs', 'malformed OTLP refused', 'auth enforced'];
const TOKEN_ENV = 'RESILIENCE_DEEP_TOKEN';

interface Report {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string; hint?: string }[];
}

async function deepVerify(stack: RunningStack, env: NodeJS.ProcessEnv = process.env): Promise<{ exitCode: number; report: Report; failed: Report['checks'] }> {
  const res = await stack.cli(['verify', '--deep', '--json'], env);
  expect(res.stderr).not.toMatch(STACK_TRACE);
  const report = JSON.parse(res.stdout) as Report;
  return { exitCode: res.exitCode, report, failed: report.checks.filter((c) => !c.ok) };
}

describe('verify --deep on a default stack', () => {
  let stack: RunningStack;
  stackUpForSuite((s) => (stack = s));

  it('passes every check, the deep ones included', async () => {
    const { exitCode, report, failed } = await deepVerify(stack);
    console.log(`[verify --deep default] ${report.checks.map((c) => `${c.ok ? 'ok' : 'FAIL'} ${c.name}`).join('; ')}`);
    expect(failed).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(DEEP_CHECKS));
  });

  it('fails on a secret file others could read (and the file is private again afterwards)', async () => {
    const file = join(stack.dataDir, 'secrets', 'clickhouse-password');
    chmodSync(file, 0o644);
    const { exitCode, failed } = await deepVerify(stack);
    expect(exitCode).toBe(1);
    expect(failed.map((c) => c.name)).toEqual(['secret files private']);
    expect(failed[0]!.detail).toBe(`${file} was 0644`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('fails on a secret that reached a log or the config directory, naming the variable, never the value', async () => {
    const password = stack.password();
    const log = join(stack.dataDir, 'logs', 'collector.log');
    const original = readFileSync(log);
    const leak = join(stack.dataDir, 'config', 'notes.txt');
    const hmac = readFileSync(join(stack.dataDir, 'secrets', 'hmac-key'), 'utf8').trim();
    appendFileSync(log, `debug: connecting with password ${password}\n`);
    writeFileSync(leak, `key=${hmac}\n`);
    try {
      const res = await stack.cli(['verify', '--deep', '--json']);
      const report = JSON.parse(res.stdout) as Report;
      const failed = report.checks.filter((c) => !c.ok);
      expect(res.exitCode).toBe(1);
      expect(failed.map((c) => [c.name, c.detail])).toEqual([
        ['secrets not in rendered config', `TELEMETRY_STACK_HMAC_KEY in ${leak}`],
        ['secrets not in logs', `TELEMETRY_STACK_CLICKHOUSE_PASSWORD in ${log}`],
      ]);
      expect(res.stdout).not.toContain(password);
      expect(res.stdout).not.toContain(hmac);
    } finally {
      writeFileSync(log, original);
      rmSync(leak, { force: true });
    }
  });

  it('fails when the stack file asks for a token the running Collector does not enforce', async () => {
    const text = readFileSync(stack.file, 'utf8');
    writeFileSync(stack.file, text.replace(/^receivers:\n/m, `receivers:\n  auth: {bearerTokenEnv: ${TOKEN_ENV}}\n`));
    try {
      const { exitCode, failed } = await deepVerify(stack, { ...process.env, [TOKEN_ENV]: 'a-token-nobody-checks' });
      expect(exitCode).toBe(1);
      expect(failed.map((c) => c.name)).toEqual(expect.arrayContaining(['auth enforced', 'secrets not in rendered config']));
      expect(failed.find((c) => c.name === 'auth enforced')!.detail).toBe('no token: HTTP 200; wrong token: HTTP 200');
    } finally {
      writeFileSync(stack.file, text);
    }
  });
});

describe('verify --deep in team mode with TLS (127.0.0.2)', () => {
  let stack: RunningStack;
  const env = { ...process.env, [TOKEN_ENV]: `deep-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}` };

  beforeAll(async () => {
    stack = await startStack('', env, `  bind: 127.0.0.2\n  auth: {bearerTokenEnv: ${TOKEN_ENV}}\n  tls: {generate: true}`);
    await stack.up(env);
  });

  afterAll(async () => {
    if (stack) await stack.down();
  });

  it('passes, with the token enforced and plain HTTP refused', async () => {
    const { exitCode, report, failed } = await deepVerify(stack, env);
    const detail = (name: string) => report.checks.find((c) => c.name === name)?.detail;
    console.log(`[verify --deep team+tls] auth: ${detail('auth enforced')}; tls: ${detail('TLS only')}; listeners: ${detail('listeners loopback-only')}`);
    expect(failed).toEqual([]);
    expect(exitCode).toBe(0);
    expect(detail('auth enforced')).toBe(`no token 401, wrong token 401 on 127.0.0.2:${stack.ports.http}`);
    expect(detail('TLS only')).toBe('plain HTTP to the receiver is refused (400, HTTPS required)');
  });
});

describe('listener classification', () => {
  const stackFor = (receivers: string) => {
    const file = '/tmp/telemetry-stack-classify.yaml';
    writeFileSync(file, `version: 1\nreceivers:\n${receivers}\n  grpc: {port: 4317}\n  http: {port: 4318}\ncollector: {healthPort: 13133, metricsPort: 8888}\nclickhouse: {port: 8123}\n`);
    try {
      return resolveStack(loadStackFile(file, { T: 'x' }).stack, file, {});
    } finally {
      rmSync(file, { force: true });
    }
  };
  const socket = (address: string, port: number): ListeningSocket => ({ address, port, family: address.includes(':') ? 6 : 4, inode: '1' });

  it('flags a wildcard listener, and one on a port the stack file does not name', () => {
    const stack = stackFor('  bind: 127.0.0.1');
    const { problems } = classifyListeners(stack, [socket('127.0.0.1', 4317), socket('0.0.0.0', 4318), socket('::', 13133), socket('127.0.0.1', 9999), socket('::ffff:127.0.0.1', 8888)], true);
    expect(problems).toEqual(['0.0.0.0:4318 is reachable beyond this machine', '[::]:13133 is reachable beyond this machine', '127.0.0.1:9999 is not a port of the stack file']);
  });

  it('allows the receivers, and only them, on a team bind address with auth', () => {
    const stack = stackFor('  bind: 0.0.0.0\n  auth: {bearerTokenEnv: T}');
    const { problems } = classifyListeners(stack, [socket('0.0.0.0', 4317), socket('0.0.0.0', 4318), socket('0.0.0.0', 8888), socket('127.0.0.1', 8123)], true);
    expect(problems).toEqual(['0.0.0.0:8888 is reachable beyond this machine']);
  });
});
