import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../cli/errors.js';
import { parseStackFile } from '../../cli/stack/load.js';

/** Stack-file rules the exposure and fuzz scenarios rely on, checked in process. */
const load = (text: string, env: NodeJS.ProcessEnv = {}) => parseStackFile(text, 'telemetry-stack.yaml', env);
const messages = (text: string, env: NodeJS.ProcessEnv = {}) => load(text, env).problems.map(formatProblem);

describe('receivers.bind', () => {
  it('refuses 0.0.0.0 without auth, naming the key and the fix', () => {
    const result = load('version: 1\nreceivers:\n  bind: 0.0.0.0\n');
    expect(result.stack).toBeUndefined();
    expect(messages('version: 1\nreceivers:\n  bind: 0.0.0.0\n')).toEqual([
      'telemetry-stack.yaml:3: receivers.bind: 0.0.0.0 is reachable beyond this machine; add receivers.auth.bearerTokenEnv (team mode) or bind 127.0.0.1',
    ]);
  });

  it('refuses :: and a routable address without auth too', () => {
    for (const bind of ['"::"', '192.168.1.10', 'example.org']) {
      expect(load(`version: 1\nreceivers:\n  bind: ${bind}\n`).stack, bind).toBeUndefined();
    }
  });

  it('accepts 0.0.0.0 with a bearer token, and any 127.x or ::1 without one', () => {
    expect(load('version: 1\nreceivers:\n  bind: 0.0.0.0\n  auth: {bearerTokenEnv: TEAM_TOKEN}\n').stack?.receivers.bind).toBe('0.0.0.0');
    for (const bind of ['127.0.0.1', '127.0.0.2', '127.255.0.9', '"::1"', 'localhost']) {
      expect(load(`version: 1\nreceivers:\n  bind: ${bind}\n`).stack, bind).toBeDefined();
    }
  });

  it('refuses a bind that is neither an IP literal nor a host name, in one line', () => {
    for (const bind of ['"[::1]"', '"a b"', '"line one\\nline two"', '"127.0.0.1:4318"', '""']) {
      const lines = messages(`version: 1\nreceivers:\n  bind: ${bind}\n`);
      expect(lines, bind).toHaveLength(1);
      expect(lines[0], bind).toMatch(/^telemetry-stack\.yaml:3: receivers\.bind: expected an IP address/);
    }
  });
});

describe('one-line problems for hostile YAML', () => {
  it('reports exponential aliases instead of throwing', () => {
    const levels = Array.from({ length: 9 }, (_, i) =>
      i === 0
        ? 'l0: &l0 [x, x, x, x, x, x, x, x, x, x]'
        : `l${i}: &l${i} [${Array(10)
            .fill(`*l${i - 1}`)
            .join(', ')}]`,
    );
    const result = load(`version: 1\n${levels.join('\n')}\n`);
    expect(result.stack).toBeUndefined();
    expect(result.problems.map(formatProblem)).toEqual([
      'telemetry-stack.yaml:1: YAML aliases expand to too many values (a guard against resource exhaustion); write the values out instead of nesting aliases',
    ]);
  });

  it('reports an alias to an anchor that does not exist', () => {
    const lines = messages('version: 1\nname: *nowhere\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^telemetry-stack\.yaml:1: .*nowhere/);
  });

  it('keeps a complex key and a value with newlines on one line each', () => {
    const lines = messages('version: 1\n? [complex, key]\n: 1\nname: "a\\nb"\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
  });
});

describe('privacy.blockedPatterns', () => {
  it('accepts RE2 flag groups, which JavaScript regexps lack', () => {
    const result = load('version: 1\nprivacy:\n  blockedPatterns: ["(?i)token=\\\\w+", "(?i:secret)-[0-9]+", "(?s)a.b"]\n');
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.stack?.privacy.blockedPatterns).toEqual(['(?i)token=\\w+', '(?i:secret)-[0-9]+', '(?s)a.b']);
  });

  it('still refuses lookahead and broken syntax', () => {
    expect(messages('version: 1\nprivacy:\n  blockedPatterns: ["a(?=b)"]\n')[0]).toMatch(/lookahead\/lookbehind is not supported by RE2/);
    expect(messages('version: 1\nprivacy:\n  blockedPatterns: ["(?i)(unclosed"]\n')[0]).toMatch(/not a valid regular expression/);
  });
});

describe('receivers.tls', () => {
  it('takes generate: true, or certFile with keyFile, never both and never half', () => {
    expect(load('version: 1\nreceivers:\n  tls: {generate: true}\n').stack?.receivers.tls).toEqual({ generate: true });
    expect(load('version: 1\nreceivers:\n  tls: {certFile: c.pem, keyFile: k.pem}\n').stack?.receivers.tls).toEqual({ generate: false, certFile: 'c.pem', keyFile: 'k.pem' });
    expect(messages('version: 1\nreceivers:\n  tls: {generate: true, certFile: c.pem}\n')).toEqual([
      'telemetry-stack.yaml:3: receivers.tls: generate: true and certFile/keyFile exclude each other; keep one',
    ]);
    expect(messages('version: 1\nreceivers:\n  tls: {certFile: c.pem}\n')).toEqual([
      'telemetry-stack.yaml:3: receivers.tls: give both certFile and keyFile, or generate: true for a local CA and certificate',
    ]);
  });

  it('refuses generate where the stack would run in containers', () => {
    expect(messages('version: 1\nbackend: clickhouse\nruntime: docker\nreceivers:\n  tls: {generate: true}\n')).toEqual([
      'telemetry-stack.yaml:5: receivers.tls.generate: needs the process runtime (set runtime: process), or give certFile and keyFile',
    ]);
    expect(load('version: 1\nbackend: loki\nruntime: process\nloki: {url: http://127.0.0.1:3100}\nreceivers:\n  tls: {generate: true}\n').stack).toBeDefined();
  });
});
