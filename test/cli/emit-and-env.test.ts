import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** A local OTLP/HTTP sink that keeps every request body. */
function sink(): Promise<{ server: Server; url: string; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, bodies });
    }),
  );
}

describe('telemetry-stack emit', () => {
  let s: Awaited<ReturnType<typeof sink>>;
  // A private config home: no real user config, no CI detection.
  const env = (extra: Record<string, string> = {}) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CI|GITHUB_ACTIONS|DO_NOT_TRACK|BUILD_ID|.*_TELEMETRY.*)$/.test(k)));
    return { ...clean, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'emit-')), ...extra } as NodeJS.ProcessEnv;
  };
  beforeAll(async () => {
    s = await sink();
  });
  afterAll(() => new Promise<void>((r) => s.server.close(() => r())));

  it('sends one event with the verb and exit code, nothing else of the command line', async () => {
    const before = s.bodies.length;
    // A generous timeout: this test is about what is sent, and a loaded machine can be slow to connect.
    const r = await runCli(['emit', 'deploy', 'preview', '--exit', '3', '--service', 'shelltool', '--endpoint', s.url, '--timeout', '10000', '--json'], { env: env() });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ result: 'sent' });
    expect(s.bodies.length).toBe(before + 1);
    const body = s.bodies.at(-1)!.toString('latin1');
    expect(body).toContain('deploy preview');
    expect(body).toContain('shelltool');
  });

  it('refuses argument-like verbs and sends nothing for them', async () => {
    const before = s.bodies.length;
    const r = await runCli(['emit', 'open', '/home/alice/secret-plans.txt', '--service', 'shelltool', '--endpoint', s.url, '--json'], { env: env() });
    expect(r.exitCode).toBe(0);
    const sent = s.bodies
      .slice(before)
      .map((b) => b.toString('latin1'))
      .join('');
    expect(sent).not.toContain('alice');
    expect(sent).not.toContain('secret-plans');
  });

  for (const [name, value] of [
    ['DO_NOT_TRACK', '1'],
    ['SHELLTOOL_TELEMETRY', '0'],
  ] as const) {
    it(`${name}=${value} sends nothing`, async () => {
      const before = s.bodies.length;
      const r = await runCli(['emit', 'build', '--service', 'shelltool', '--endpoint', s.url, '--json'], { env: env({ [name]: value }) });
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ result: 'disabled' });
      expect(s.bodies.length).toBe(before);
    });
  }

  it('never fails the calling script, even with nothing listening', async () => {
    const r = await runCli(['emit', 'build', '--service', 'shelltool', '--endpoint', 'http://127.0.0.1:9', '--json'], { env: env() });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).result).toBe('failed');
  });

  it('a bad --exit is a usage error with one line', async () => {
    const r = await runCli(['emit', 'build', '--service', 'shelltool', '--exit', 'boom'], { env: env() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['telemetry-stack: --exit boom: expected an exit code from 0 to 255']);
  });
});

describe('telemetry-stack env claude-code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'envcc-'));
  beforeAll(async () => {
    expect((await runCli(['init'], { cwd: dir })).exitCode).toBe(0);
  });

  it('points Claude Code at the receiver, with content switches following the privacy policy', async () => {
    const r = await runCli(['env', 'claude-code', '--format', 'dotenv'], { cwd: dir });
    expect(r.exitCode).toBe(0);
    const vars = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    expect(vars).toMatchObject({
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_LOG_USER_PROMPTS: '0',
      OTEL_LOG_TOOL_DETAILS: '0',
    });
    expect(vars['OTEL_EXPORTER_OTLP_HEADERS']).toBeUndefined();
  });

  it('team mode: managed-settings JSON carries the token from the environment', async () => {
    const file = join(dir, 'team.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'version: 1\nreceivers:\n  bind: 0.0.0.0\n  auth: {bearerTokenEnv: TEAM_TOKEN}\nprivacy:\n  promptText: mask\n');
    const r = await runCli(['env', 'claude-code', '-f', file, '--format', 'managed-settings', '--endpoint', 'https://telemetry.internal:4318'], { env: { ...process.env, TEAM_TOKEN: 'tok-123' } });
    expect(r.exitCode).toBe(0);
    const settings = JSON.parse(r.stdout) as { env: Record<string, string> };
    expect(settings.env['OTEL_EXPORTER_OTLP_HEADERS']).toBe('Authorization=Bearer tok-123');
    expect(settings.env['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('https://telemetry.internal:4318');
    expect(settings.env['OTEL_LOG_USER_PROMPTS']).toBe('1');
  });

  it('--disable turns it off, with or without a stack file', async () => {
    const r = await runCli(['env', 'claude-code', '--disable'], { cwd: mkdtempSync(join(tmpdir(), 'envcc-none-')) });
    expect(r.stdout.trim()).toBe('export CLAUDE_CODE_ENABLE_TELEMETRY="0"');
  });
});
