import { isLoopback } from '../../net/loopback.js';
import { isRecord, typeOf, type CollectorDoc, type Kind } from '../collector-doc.js';
import { expandEnv } from '../env.js';
import type { ComponentKnowledge } from '../knowledge/components.js';
import type { LintRule, RuleFinding, Severity } from '../rule.js';

/** Host part of `host:port`, `[v6]:port`, `:port` (all interfaces) or a URL. */
export function endpointHost(endpoint: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/]*)/i.exec(endpoint);
  const hostPort = url ? url[1]! : endpoint;
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(hostPort);
  if (v6) return v6[1]!;
  const i = hostPort.lastIndexOf(':');
  return i < 0 ? hostPort : hostPort.slice(0, i);
}

interface Listener {
  /** `receiver otlp grpc`, `extension pprof`, `service telemetry metrics`. */
  what: string;
  path: (string | number)[];
  /** The written address, or undefined when the component's default applies. */
  written?: string;
  defaultEndpoint?: string;
  hasAuth: boolean;
  severity: Severity;
  advice: string;
}

/** A pull exporter (prometheus) serves what the Collector holds to whoever scrapes it. */
const PULL_ADVICE = 'bind localhost and scrape through a sidecar or port-forward, or accept that anyone on the network reads these metrics';
const AUTH_ADVICE = 'bind 127.0.0.1 (or a private interface you control) or add auth: {authenticator: bearertokenauth}';
/** Receivers accept writes (error); debug endpoints leak internals; probes must often be reachable. */
const EXTENSION_SEVERITY: Record<string, { severity: Severity; advice: string }> = {
  pprof: { severity: 'error', advice: 'bind localhost:1777: heap and goroutine dumps expose what the Collector holds, secrets included' },
  zpages: { severity: 'warning', advice: 'bind localhost:55679 and reach it with a port-forward' },
  health_check: { severity: 'warning', advice: 'keep it on the pod IP only if a kubelet probe needs it, otherwise bind localhost:13133' },
};

/**
 * A receiver whose module was not readable listens when it looks like a server. Scrapers
 * (postgresql, mysql, mongodb...) also write `endpoint`, but for the address they dial: their
 * client-side keys (credentials, a client TLS `insecure`, mdatagen's per-metric switches, a
 * polling schedule) give them away, and a server never has them.
 */
function looksLikeServer(cfg: Record<string, unknown>): boolean {
  if (['collection_interval', 'initial_delay', 'targets', 'username', 'password'].some((k) => k in cfg)) return false;
  if (isRecord(cfg['metrics'])) return false;
  const tls = cfg['tls'];
  if (isRecord(tls) && ('insecure' in tls || 'insecure_skip_verify' in tls)) return false;
  return typeof cfg['endpoint'] === 'string' || isRecord(cfg['protocols']);
}

function sectionAt(cfg: Record<string, unknown>, path: string): Record<string, unknown> | undefined {
  if (path === '') return cfg;
  let node: unknown = cfg;
  for (const part of path.split('.')) node = isRecord(node) ? node[part] : undefined;
  // A protocol written as `grpc:` (null) is enabled with its defaults.
  if (node === null) return {};
  return isRecord(node) ? node : undefined;
}

function componentListeners(doc: CollectorDoc, knowledge: ComponentKnowledge, kind: Kind): Listener[] {
  const out: Listener[] = [];
  const all = doc.components(kind);
  for (const id of doc.running(kind)) {
    const cfg = all[id] ?? {};
    const type = typeOf(id);
    let facts = knowledge.listener(kind, type);
    // Only for types the release lists but whose module could not be read; an unknown type is
    // reported by unknown-component-type, and guessing its sockets would only add noise.
    if (!facts && kind === 'receivers' && knowledge.entry(kind, type)?.module === null && looksLikeServer(cfg)) {
      facts = { paths: isRecord(cfg['protocols']) ? Object.keys(cfg['protocols']).map((p) => `protocols.${p}`) : [''], endpointKey: 'endpoint', defaultEndpoints: [] };
    }
    if (!facts) continue;
    const { paths, endpointKey, defaultEndpoints } = facts;
    paths.forEach((p, i) => {
      // Optional sections (otlp's grpc and http, syslog's tcp and udp) run only when written.
      const section = sectionAt(cfg, p);
      if (!section) return;
      const written = section[endpointKey];
      const ext = kind === 'extensions' ? EXTENSION_SEVERITY[type] : undefined;
      const fallback = defaultEndpoints.length === paths.length ? defaultEndpoints[i] : defaultEndpoints.length === 1 ? defaultEndpoints[0] : undefined;
      out.push({
        what: `${kind.slice(0, -1)} ${id}${p.startsWith('protocols.') ? ` ${p.slice('protocols.'.length)}` : ''}`,
        path: [kind, id, ...(p === '' ? [] : p.split('.')), endpointKey],
        ...(typeof written === 'string' ? { written } : {}),
        ...(fallback ? { defaultEndpoint: fallback } : {}),
        hasAuth: isRecord(section['auth']),
        severity: kind === 'receivers' ? 'error' : (ext?.severity ?? 'warning'),
        advice: kind === 'receivers' ? AUTH_ADVICE : kind === 'exporters' ? PULL_ADVICE : (ext?.advice ?? 'bind localhost'),
      });
    });
  }
  return out;
}

/** service::telemetry's Prometheus pull readers and the removed metrics.address. */
function telemetryListeners(doc: CollectorDoc): Listener[] {
  const service = doc.config['service'];
  const metrics = isRecord(service) && isRecord(service['telemetry']) ? service['telemetry']['metrics'] : undefined;
  if (!isRecord(metrics)) return [];
  const out: Listener[] = [];
  const base = {
    hasAuth: false,
    severity: 'warning' as const,
    advice: "set host: localhost and scrape through a sidecar or port-forward, or accept that anyone on the network reads the Collector's own metrics",
  };
  if (typeof metrics['address'] === 'string') out.push({ what: 'service telemetry metrics', path: ['service', 'telemetry', 'metrics', 'address'], written: metrics['address'], ...base });
  const readers = Array.isArray(metrics['readers']) ? (metrics['readers'] as unknown[]) : [];
  readers.forEach((r, i) => {
    const pull = isRecord(r) ? r['pull'] : undefined;
    const exporter = isRecord(pull) ? pull['exporter'] : undefined;
    const prom = isRecord(exporter) ? exporter['prometheus'] : undefined;
    if (!isRecord(prom)) return;
    const host = prom['host'];
    // The reader's host defaults to localhost; an absent host is not exposure.
    if (typeof host !== 'string') return;
    out.push({
      what: 'service telemetry Prometheus reader',
      path: ['service', 'telemetry', 'metrics', 'readers', i, 'pull', 'exporter', 'prometheus', 'host'],
      written: `${host}:${String(prom['port'] ?? '')}`,
      ...base,
    });
  });
  return out;
}

function allListeners(doc: CollectorDoc, knowledge: ComponentKnowledge): Listener[] {
  return [...componentListeners(doc, knowledge, 'receivers'), ...componentListeners(doc, knowledge, 'extensions'), ...componentListeners(doc, knowledge, 'exporters'), ...telemetryListeners(doc)];
}

/** The address to judge, or undefined when there is nothing to judge (auth, a socket file, no address). */
function checkedEndpoint(l: Listener): string | undefined {
  if (l.hasAuth) return undefined;
  const endpoint = l.written ?? l.defaultEndpoint;
  if (endpoint === undefined || endpoint.startsWith('unix://') || endpoint.startsWith('/')) return undefined;
  return endpoint;
}

function dependsOnEnv(unresolved: readonly string[], host: string): boolean {
  return unresolved.length > 0 && host === '';
}

/**
 * Dot paths of the listener addresses this rule reports as "exposure depends on X", with the
 * variables it names there, so unset-env does not report the same unset variable a second time.
 */
export function exposureDependsOnEnv(doc: CollectorDoc, env: NodeJS.ProcessEnv, knowledge: ComponentKnowledge): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const l of allListeners(doc, knowledge)) {
    const endpoint = checkedEndpoint(l);
    if (endpoint === undefined) continue;
    const { value, unresolved } = expandEnv(endpoint, env);
    if (dependsOnEnv(unresolved, endpointHost(value))) out.set(l.path.join('.'), new Set(unresolved));
  }
  return out;
}

export const listenerExposed: LintRule = {
  id: 'listener-exposed',
  severity: 'error',
  why: "a receiver reachable beyond this machine without auth accepts telemetry (and load) from anyone on the network; pprof, zpages, health_check and the Collector's own metrics leak its internals the same way",
  check({ doc, env, knowledge }) {
    const out: RuleFinding[] = [];
    for (const l of allListeners(doc, knowledge)) {
      const endpoint = checkedEndpoint(l);
      if (endpoint === undefined) continue;
      const { value, unresolved } = expandEnv(endpoint, env);
      const host = endpointHost(value);
      const where = doc.at(l.path);
      if (dependsOnEnv(unresolved, host)) {
        const one = unresolved.length === 1;
        out.push({
          ...where,
          path: l.path.join('.'),
          severity: 'warning',
          message: `exposure depends on ${unresolved.join(', ')}: ${l.what} listens on ${endpoint}, every interface while ${one ? 'it is' : 'they are'} unset and whatever address ${one ? 'it holds' : 'they hold'} otherwise; set ${unresolved[0]} (or pass --env-file) to check it, or ${l.advice}`,
        });
        continue;
      }
      if (host !== '' && isLoopback(host)) continue;
      const shown = l.written === undefined ? `${endpoint} (its default)` : endpoint === value ? endpoint : `${endpoint} = ${value}`;
      const everywhere = host === '' || host === '0.0.0.0' || host === '::' ? ' (every interface)' : '';
      const noAuth = l.what.startsWith('receiver') ? ' without auth' : '';
      out.push({ ...where, path: l.path.join('.'), severity: l.severity, message: `${l.what} listens on ${shown}${everywhere}${noAuth}; ${l.advice}` });
    }
    return out;
  },
};
