import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../cli/lint/collector-doc.js';
import { expandEnv, readEnvFile } from '../../cli/lint/env.js';
import { lintCollectorConfigs, NotCollectorConfig } from '../../cli/lint/lint.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'lint-sets');
const src = (name: string) => ({ file: join(dir, name), text: readFileSync(join(dir, name), 'utf8') });
const lint = (names: string[], env: NodeJS.ProcessEnv = {}) => lintCollectorConfigs(names.map(src), { env });

describe('lint on merged sets and resolved environments', () => {
  it('a Helm-style config on ${env:MY_POD_IP} without auth is exposed when the variable holds a pod address', () => {
    const exposed = lint(['helm-pod-ip.yaml'], { MY_POD_IP: '10.0.3.7' }).filter((f) => f.rule === 'listener-exposed');
    const receivers = exposed.filter((f) => f.path.startsWith('receivers.'));
    expect(receivers.map((f) => [f.severity, f.path])).toEqual([
      ['error', 'receivers.otlp.protocols.grpc.endpoint'],
      ['error', 'receivers.otlp.protocols.http.endpoint'],
    ]);
    expect(receivers[0]!.message).toContain('10.0.3.7:4317 without auth');
    expect(exposed.find((f) => f.path.startsWith('extensions.health_check'))?.severity).toBe('warning');
  });

  it('the same config says "exposure depends on MY_POD_IP" when it is unset, and nothing when it is loopback', () => {
    const unset = lint(['helm-pod-ip.yaml']).filter((f) => f.rule === 'listener-exposed');
    expect(unset).toHaveLength(3);
    for (const f of unset) expect(f.message).toMatch(/^exposure depends on MY_POD_IP:/);
    // One finding per fact: no unset-env finding repeats the listener's unset variable.
    const listenerPaths = new Set(unset.map((f) => f.path));
    expect(lint(['helm-pod-ip.yaml']).filter((f) => f.rule === 'unset-env' && listenerPaths.has(f.path))).toEqual([]);
    expect(lint(['helm-pod-ip.yaml'], { MY_POD_IP: '127.0.0.1' }).filter((f) => f.rule === 'listener-exposed')).toEqual([]);
  });

  it('base + overlay merged give no undefined-component finding; linted apart, the overlay does', () => {
    expect(lint(['base.yaml', 'overlay.yaml'])).toEqual([]);
    const alone = lint(['overlay.yaml']).filter((f) => f.rule === 'undefined-component');
    expect(alone.map((f) => f.message)).toEqual([
      'receiver otlp is not defined under receivers:',
      'processor memory_limiter is not defined under processors:',
      'exporter debug is not defined under exporters:',
    ]);
  });

  it('merges like confmap: maps deep, later wins, lists replaced', () => {
    expect(mergeConfig({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null })).toEqual({ a: { b: 1, c: [3] }, d: null });
  });

  it('follows YAML merge keys', () => {
    const f = lint(['merge-keys.yaml']).filter((x) => x.rule === 'listener-exposed');
    expect(f.map((x) => x.path)).toEqual(['receivers.otlp.protocols.grpc.endpoint', 'receivers.otlp.protocols.http.endpoint']);
  });

  it('YAML that is not a Collector config is refused with one line naming the file', () => {
    expect(() => lint(['not-collector.yaml'])).toThrow(NotCollectorConfig);
    expect(() => lint(['not-collector.yaml'])).toThrow(/not-collector\.yaml: not a Collector config: .*Helm values/);
    expect(() => lintCollectorConfigs([{ file: 'l.yaml', text: '- a\n- b\n' }], { env: {} })).toThrow(/top level is a list/);
  });

  it('expands ${env:X}, ${X} and ${env:X:-default} and keeps $$ literal', () => {
    expect(expandEnv('${env:A}:${B}:${env:C:-c}:$${A}', { A: 'a', B: 'b' })).toEqual({ value: 'a:b:c:${A}', unresolved: [] });
    expect(expandEnv('${env:MISSING}:4317', {})).toEqual({ value: ':4317', unresolved: ['MISSING'] });
  });

  it('reads --env-file lines', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lint-env-')), '.env');
    writeFileSync(file, '# pod\nexport MY_POD_IP=10.1.2.3\nTOKEN="x y"\n');
    expect(readEnvFile(file)).toEqual({ MY_POD_IP: '10.1.2.3', TOKEN: 'x y' });
    writeFileSync(file, 'not a line\n');
    expect(() => readEnvFile(file)).toThrow(/\.env:1: expected NAME=value/);
  });

  it('an unset variable under a listener that has auth is still reported once, by unset-env', () => {
    const text = 'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: ${env:MY_POD_IP}:4317\n        auth:\n          authenticator: bearertokenauth\n';
    const found = lintCollectorConfigs([{ file: 'auth.yaml', text }], { env: {} }).filter((f) => f.rule === 'unset-env' || f.rule === 'listener-exposed');
    expect(found.map((f) => [f.rule, f.line])).toEqual([['unset-env', 5]]);
  });

  it('a prometheus exporter on every interface is exposure (a warning), on localhost it is not', () => {
    const text = (endpoint: string) => `exporters:\n  prometheus:\n    endpoint: ${endpoint}\n`;
    const exposed = lintCollectorConfigs([{ file: 'p.yaml', text: text('0.0.0.0:8889') }], { env: {} }).filter((f) => f.rule === 'listener-exposed');
    expect(exposed.map((f) => [f.severity, f.line, f.path])).toEqual([['warning', 3, 'exporters.prometheus.endpoint']]);
    expect(lintCollectorConfigs([{ file: 'p.yaml', text: text('localhost:8889') }], { env: {} }).filter((f) => f.rule === 'listener-exposed')).toEqual([]);
  });

  it('a scraper whose module was not readable (postgresql) is not taken for a listener', () => {
    const text = 'receivers:\n  postgresql:\n    endpoint: db.internal:5432\n    username: monitoring\n    tls:\n      insecure: true\n';
    expect(lintCollectorConfigs([{ file: 'pg.yaml', text }], { env: {} }).filter((f) => f.rule === 'listener-exposed')).toEqual([]);
  });

  it('load_balancing relies on its per-endpoint otlp exporter for queue and retries', () => {
    const text = (inner: string) => `exporters:\n  load_balancing:\n    protocol:\n      otlp:\n        timeout: 1s\n${inner}    resolver:\n      static:\n        hostnames: [a:4317]\n`;
    const rule = (t: string) => lintCollectorConfigs([{ file: 'lb.yaml', text: t }], { env: {} }).filter((f) => f.rule === 'exporter-without-queue-retry');
    expect(rule(text(''))).toEqual([]);
    const off = rule(text('        retry_on_failure:\n          enabled: false\n'));
    expect(off).toHaveLength(1);
    expect(off[0]!.message).toContain('retry_on_failure (off by default for load_balancing)');
  });
});
