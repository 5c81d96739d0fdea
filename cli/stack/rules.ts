import { isLoopback } from '../net/loopback.js';
import type { StackFile } from './schema.js';
import { embeddedNativePort, runsChdbServer } from './storage-endpoint.js';

export interface StackRuleProblem {
  path: string[];
  message: string;
  severity: 'error' | 'warning';
}

/**
 * Rules that span several keys, checked after the schema passes. Each names the key to fix;
 * the loader turns the path into a line number.
 */
export function checkStackRules(stack: StackFile): StackRuleProblem[] {
  const problems: StackRuleProblem[] = [];
  const error = (path: string[], message: string) => problems.push({ path, message, severity: 'error' });

  const r = stack.receivers;
  if (!isLoopback(r.bind) && !r.auth) {
    error(['receivers', 'bind'], `${r.bind} is reachable beyond this machine; add receivers.auth.bearerTokenEnv (team mode) or bind 127.0.0.1`);
  }
  if (r.tls) {
    const files = r.tls.certFile !== undefined || r.tls.keyFile !== undefined;
    if (r.tls.generate && files) error(['receivers', 'tls'], 'generate: true and certFile/keyFile exclude each other; keep one');
    else if (!r.tls.generate && (r.tls.certFile === undefined || r.tls.keyFile === undefined)) {
      error(['receivers', 'tls'], 'give both certFile and keyFile, or generate: true for a local CA and certificate');
    }
    // The certificate is written under the data directory, which no container mounts.
    if (r.tls.generate && (stack.runtime === 'docker' || (stack.runtime === 'auto' && stack.backend !== 'embedded'))) {
      error(['receivers', 'tls', 'generate'], 'needs the process runtime (set runtime: process), or give certFile and keyFile');
    }
  }
  if (!r.grpc.enabled && !r.http.enabled) {
    error(['receivers'], 'both grpc and http receivers are disabled; enable at least one');
  }
  if (stack.backend === 'embedded' && stack.runtime === 'docker') {
    error(['runtime'], 'the embedded backend runs as a local process; use runtime: process (or auto), or backend: clickhouse for Docker');
  }

  const ports = new Map<number, string>();
  const claim = (port: number, path: string[]) => {
    const other = ports.get(port);
    if (other) error(path, `port ${port} is also used by ${other}; pick another`);
    else ports.set(port, path.join('.'));
  };
  if (r.grpc.enabled) claim(r.grpc.port, ['receivers', 'grpc', 'port']);
  if (r.http.enabled) claim(r.http.port, ['receivers', 'http', 'port']);
  claim(stack.collector.healthPort, ['collector', 'healthPort']);
  claim(stack.collector.metricsPort, ['collector', 'metricsPort']);
  // Storage the user brings (a url) listens on no port of ours.
  if (stack.backend === 'loki' && stack.loki.url === undefined) claim(stack.loki.port, ['loki', 'port']);
  else if (stack.backend !== 'loki' && !(stack.backend === 'clickhouse' && stack.clickhouse.url !== undefined)) claim(stack.clickhouse.port, ['clickhouse', 'port']);
  if (runsChdbServer(stack)) claim(embeddedNativePort(stack.clickhouse), ['clickhouse', 'nativePort']);
  if (stack.backend !== 'clickhouse') {
    // The embedded engine defines its own read-only user; Loki has no ClickHouse user at all.
    for (const key of ['clickhouseUser', 'clickhousePasswordEnv'] as const) {
      if (stack.grafana[key] !== undefined) error(['grafana', key], `applies to backend clickhouse only (this stack's backend is ${stack.backend}); remove it`);
    }
  } else if (stack.grafana.clickhouseUser !== undefined && stack.grafana.clickhousePasswordEnv === undefined) {
    error(['grafana', 'clickhousePasswordEnv'], `name the variable holding ${stack.grafana.clickhouseUser}'s password, e.g. clickhousePasswordEnv: TELEMETRY_STACK_GRAFANA_CLICKHOUSE_PASSWORD`);
  }
  if (stack.clickhouse.server === 'chdb-server' && !(stack.backend === 'clickhouse' && stack.clickhouse.url === undefined)) {
    problems.push({
      path: ['clickhouse', 'server'],
      severity: 'warning',
      message:
        stack.backend === 'clickhouse'
          ? 'has no effect with clickhouse.url: up starts no ClickHouse; remove one of them'
          : `applies to backend clickhouse only (this stack's backend is ${stack.backend}); remove it`,
    });
  }
  // The embedded engine and the chdb-server image define their own users (telemetry_writer for
  // the Collector, telemetry_reader for queries): a user named here would be silently unused.
  if (runsChdbServer(stack) && stack.clickhouse.username !== 'default') {
    problems.push({
      path: ['clickhouse', 'username'],
      severity: 'warning',
      message: `has no effect with ${stack.backend === 'embedded' ? 'the embedded engine' : 'server: chdb-server'}: it writes as telemetry_writer and reads as telemetry_reader; remove it`,
    });
  }
  if (stack.clickhouse.url !== undefined && stack.backend !== 'clickhouse') {
    error(['clickhouse', 'url'], `applies to backend clickhouse only (this stack's backend is ${stack.backend}); remove it or set backend: clickhouse`);
  }
  const ch = stack.clickhouse;
  // One server address: the clickhouse exporter of this Collector parses its endpoint as one URL
  // (a multi-host `h1:8123,h2:8123` is refused by the real validate), so several servers need one
  // name in front of them (a load balancer, a Kubernetes Service).
  if (ch.cluster !== undefined && stack.backend !== 'clickhouse') {
    error(['clickhouse', 'cluster'], `applies to backend clickhouse only (this stack's backend is ${stack.backend}); remove it or set backend: clickhouse`);
  }
  if (stack.topology !== undefined) {
    const t = stack.topology;
    if (stack.backend !== 'clickhouse') error(['topology'], `gateways write to a ClickHouse server or cluster they share; set backend: clickhouse (this stack's backend is ${stack.backend})`);
    else if (ch.url === undefined) error(['topology'], 'gateways write to a ClickHouse they share: set clickhouse.url (one address; a load balancer or a Service in front of several servers)');
    // Every gateway listens on its pod's network, reachable by every client of the Service.
    if (!r.auth) error(['topology'], 'gateways are reached over the network: add receivers.auth.bearerTokenEnv');
    if (r.tls?.generate) error(['receivers', 'tls', 'generate'], 'a generated certificate names this machine, not the gateways; give certFile and keyFile (mounted from a TLS Secret)');
    if (t.maxGateways !== undefined && t.maxGateways < t.gateways) error(['topology', 'maxGateways'], `is below gateways (${t.gateways}); raise it or lower gateways`);
    if (stack.privacy.engine === 'processor' && stack.images.collector === undefined) {
      problems.push({
        path: ['images', 'collector'],
        severity: 'warning',
        message: 'the pinned contrib image has no sanitize processor: build one with telemetry-stack images build, push it and set images.collector, or set privacy.engine: stock',
      });
    }
  }
  const chi = stack.kubernetes?.clickhouseInstallation;
  if (chi !== undefined && ch.cluster === undefined) {
    error(['kubernetes', 'clickhouseInstallation'], 'names its cluster after clickhouse.cluster.name; set clickhouse.cluster');
  }
  if (stack.backend !== 'loki' && (stack.loki.url !== undefined || stack.loki.tenant !== undefined || stack.loki.bearerTokenEnv !== undefined)) {
    error(['loki'], `applies to backend loki only (this stack's backend is ${stack.backend}); remove it or set backend: loki`);
  }
  if (stack.backend === 'loki' && stack.loki.url === undefined && stack.runtime === 'process') {
    error(['loki', 'url'], 'runtime process starts no Loki: set loki.url to your Loki (e.g. http://127.0.0.1:3100), or use runtime docker to run the pinned upstream image');
  }
  if (stack.backend === 'clickhouse' && stack.clickhouse.url === undefined && stack.runtime === 'process') {
    error(['clickhouse', 'url'], 'runtime process starts no ClickHouse server: set clickhouse.url to yours (e.g. http://127.0.0.1:8123), or use runtime docker, or backend: embedded');
  }

  stack.privacy.blockedPatterns.forEach((pattern, i) => {
    const problem = re2Problem(pattern);
    if (problem) error(['privacy', 'blockedPatterns', String(i)], problem);
  });

  if (new Set(stack.profiles).size !== stack.profiles.length) {
    error(['profiles'], 'a profile is listed twice; list each once');
  }
  return problems;
}

/**
 * The Collector compiles patterns with Go's RE2 engine, which has no lookaround or
 * backreferences; catching them here gives a line number instead of a Collector start failure.
 */
export function re2Problem(pattern: string): string | undefined {
  try {
    // RE2 flag groups, (?i) and (?i:...), are not JavaScript syntax (Node 20); drop them for the
    // syntax check so a valid RE2 pattern such as (?i)token=\w+ is not refused.
    new RegExp(pattern.replace(/\(\?[imsU-]+\)/g, '').replace(/\(\?[imsU-]+:/g, '(?:'));
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message}`;
  }
  if (/\(\?<?[=!]/.test(pattern)) return 'lookahead/lookbehind is not supported by RE2 (the Collector regex engine); rewrite without it';
  if (/\\[1-9]/.test(pattern)) return 'backreferences are not supported by RE2 (the Collector regex engine); rewrite without them';
  return undefined;
}
