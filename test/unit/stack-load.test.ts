import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../cli/errors.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { goDuration } from '../../cli/stack/duration.js';
import { resolveStack } from '../../cli/stack/resolve.js';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'stacks', name);
const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseStackFile(text, 'telemetry-stack.yaml', env);

describe('stack file loading', () => {
  it('applies every default to a file that says only its version', () => {
    const { stack, problems } = parse('version: 1\n');
    expect(problems).toEqual([]);
    expect(stack).toMatchObject({
      name: 'telemetry',
      backend: 'embedded',
      runtime: 'auto',
      profiles: ['claude-code', 'cli-usage'],
      retention: '90d',
      receivers: { bind: '127.0.0.1', grpc: { enabled: true, port: 4317 }, http: { enabled: true, port: 4318 } },
      privacy: { maskSecrets: true, promptText: 'drop', userId: { mode: 'hmac', keyEnv: 'TELEMETRY_STACK_HMAC_KEY' } },
      delivery: { persistentQueue: true },
    });
  });

  it('reports three mistakes as three one-line errors with line numbers and paths', () => {
    const file = fixture('three-mistakes.yaml');
    const { stack, problems } = parseStackFile(readFileSync(file, 'utf8'), file, {});
    expect(stack).toBeUndefined();
    const lines = problems.map(formatProblem);
    expect(lines).toEqual([
      `${file}:4: backnd: unknown key; did you mean 'backend'?`,
      `${file}:5: runtime: expected one of "auto", "docker", "process"`,
      `${file}:8: receivers.http.port: Too big: expected number to be <=65535`,
    ]);
  });

  it('suggests the closest key in nested maps too', () => {
    const { problems } = parse('version: 1\nprivacy:\n  maskEmail: true\n');
    expect(problems.map(formatProblem)).toEqual(["telemetry-stack.yaml:3: privacy.maskEmail: unknown key; did you mean 'maskEmails'?"]);
  });

  it('substitutes ${VAR} and ${VAR:-default}, and reports an unset one at its line', () => {
    const ok = parse('version: 1\nname: ${STACK_NAME}\ndataDir: ${DATA:-/srv/telemetry}\n', { STACK_NAME: 'team-a' });
    expect(ok.stack?.name).toBe('team-a');
    expect(ok.stack?.dataDir).toBe('/srv/telemetry');
    const bad = parse('version: 1\nname: ok\ndataDir: ${MISSING_DIR}/x\n');
    expect(bad.problems.map(formatProblem)).toEqual(['telemetry-stack.yaml:3: dataDir: $MISSING_DIR is not set; export it or write ${MISSING_DIR:-default}']);
  });

  it('keeps $${ as a literal ${', () => {
    const { stack } = parse('version: 1\ndataDir: /srv/$${x}\n');
    expect(stack?.dataDir).toBe('/srv/${x}');
  });

  it('rejects an unknown major version and warns on a newer minor', () => {
    expect(parse('version: 2\n').problems.map((p) => p.severity)).toEqual(['error']);
    const newer = parse('version: 1.7\n');
    expect(newer.stack).toBeDefined();
    expect(newer.problems.map((p) => [p.severity, p.line])).toEqual([['warning', 1]]);
    expect(parse('name: x\n').problems[0]!.message).toContain('version');
  });

  it('refuses a receiver beyond loopback without a token, naming the key to fix', () => {
    const { problems } = parse('version: 1\nreceivers:\n  bind: 0.0.0.0\n');
    expect(problems.map(formatProblem)).toEqual(['telemetry-stack.yaml:3: receivers.bind: 0.0.0.0 is reachable beyond this machine; add receivers.auth.bearerTokenEnv (team mode) or bind 127.0.0.1']);
    expect(parse('version: 1\nreceivers:\n  bind: 0.0.0.0\n  auth: {bearerTokenEnv: TOKEN}\n').stack).toBeDefined();
  });

  it('catches port clashes, embedded-on-docker and RE2-incompatible patterns', () => {
    const { problems } = parse('version: 1\nbackend: embedded\nruntime: docker\ncollector:\n  healthPort: 4318\nprivacy:\n  blockedPatterns: ["(?<=x)y", "ok"]\n');
    expect(problems.map((p) => p.path)).toEqual(['runtime', 'collector.healthPort', 'privacy.blockedPatterns.0']);
  });

  it('clickhouse.server: chdb-server claims its native port, and warns where it has no effect', () => {
    const clash = parse('version: 1\nbackend: clickhouse\nclickhouse: {server: chdb-server, port: 9000}\ncollector: {metricsPort: 9001}\n');
    expect(clash.problems.map((p) => [p.severity, p.path])).toEqual([['error', 'clickhouse.nativePort']]);
    const withUrl = parse('version: 1\nbackend: clickhouse\nclickhouse: {server: chdb-server, url: "http://127.0.0.1:9123"}\n');
    expect(withUrl.problems.map((p) => [p.severity, p.path, p.message])).toEqual([['warning', 'clickhouse.server', 'has no effect with clickhouse.url: up starts no ClickHouse; remove one of them']]);
    expect(parse('version: 1\nbackend: loki\nloki: {url: "http://127.0.0.1:3100"}\nclickhouse: {server: chdb-server}\n').problems.map((p) => p.path)).toEqual(['clickhouse.server']);
    expect(parse('version: 1\nbackend: clickhouse\nclickhouse: {server: chdb-server}\n').problems).toEqual([]);
  });

  it('warns that clickhouse.username is unused where the engine defines its own users', () => {
    const embedded = parse('version: 1\nbackend: embedded\nclickhouse: {username: analyst}\n');
    expect(embedded.problems.map((p) => [p.severity, p.path, p.message])).toEqual([
      ['warning', 'clickhouse.username', 'has no effect with the embedded engine: it writes as telemetry_writer and reads as telemetry_reader; remove it'],
    ]);
    expect(parse('version: 1\nbackend: clickhouse\nclickhouse: {server: chdb-server, username: analyst}\n').problems.map((p) => p.path)).toEqual(['clickhouse.username']);
    expect(parse('version: 1\nbackend: clickhouse\nclickhouse: {username: analyst}\nruntime: docker\n').problems).toEqual([]);
    expect(parse('version: 1\nbackend: embedded\n').problems).toEqual([]);
  });

  it('reports YAML syntax errors with their line and never throws', () => {
    const { stack, problems } = parse('version: 1\nprofiles: [claude-code\n');
    expect(stack).toBeUndefined();
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
    for (const text of ['', '- a\n- b\n', 'version: 1\nversion: 1\n', '"unterminated', ':\n']) {
      expect(() => parse(text)).not.toThrow();
      expect(parse(text).problems.length).toBeGreaterThan(0);
    }
  });

  it('resolves the data directory outside the repo by default, relative paths against the stack file', () => {
    const { stack } = parse('version: 1\nname: demo\n');
    expect(resolveStack(stack!, '/repo/telemetry-stack.yaml', { XDG_DATA_HOME: '/home/u/.local/share' }).dataDir).toBe('/home/u/.local/share/telemetry-stack/demo');
    const rel = parse('version: 1\ndataDir: ./data\n').stack!;
    expect(resolveStack(rel, '/repo/telemetry-stack.yaml', {}).dataDir).toBe('/repo/data');
  });

  it('turns stack durations into Go durations', () => {
    expect(['90d', '30s', '0s', '500ms', '90m'].map(goDuration)).toEqual(['2160h', '30s', '0s', '500ms', '90m']);
  });
});
