#!/usr/bin/env node
// Generates configs/collector-components.json: every Collector component type at the versions
// collector/manifest.yaml pins, read from the upstream Go modules themselves (metadata.yaml for
// type, deprecated alias, stability and distributions; config.schema.yaml for whether it listens,
// scrapes, queues and retries; factory.go for default endpoints and exporterhelper defaults).
// The lint rules read only the committed file, so linting never needs the network; a unit test
// fails when the file's versions no longer match the manifest.
//
//   node scripts/collector-components.mjs            # rewrite the file (needs Go and the module proxy)
//   node scripts/collector-components.mjs --check    # exit 1 when the file differs from a fresh run
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const OUT = join(root, 'configs', 'collector-components.json');
const CORE = 'go.opentelemetry.io/collector';
const CONTRIB = 'github.com/open-telemetry/opentelemetry-collector-contrib';
const KIND_OF_CLASS = { receiver: 'receivers', processor: 'processors', exporter: 'exporters', extension: 'extensions', connector: 'connectors' };

/** The pins come from the manifest: the otlp receiver's version for core beta and contrib, a provider's for core stable. */
export function manifestPins(text) {
  const pin = (re, what) => {
    const m = re.exec(text);
    if (!m) throw new Error(`collector/manifest.yaml: no ${what} pin found`);
    return m[1];
  };
  return {
    core: pin(/go\.opentelemetry\.io\/collector\/receiver\/otlpreceiver (v[\d.]+)/, 'core (otlpreceiver)'),
    stable: pin(/go\.opentelemetry\.io\/collector\/confmap\/provider\/\w+ (v[\d.]+)/, 'core stable (confmap provider)'),
    contrib: pin(/github\.com\/open-telemetry\/opentelemetry-collector-contrib\/\S+ (v[\d.]+)/, 'contrib'),
  };
}

/** Runs `go mod download -json` on many modules at once (Go fetches them in parallel). */
function download(modules, workDir) {
  const out = [];
  for (let i = 0; i < modules.length; i += 60) {
    const batch = modules.slice(i, i + 60);
    // Exit status is 1 when any module fails; each module still gets its own JSON object.
    const r = spawnSync('go', ['mod', 'download', '-json', ...batch], { cwd: workDir, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, GOFLAGS: '-mod=mod' } });
    if (!r.stdout.trim()) throw new Error(`go mod download: ${r.stderr.trim() || `exit ${r.status}`}`);
    // The output is a stream of JSON objects, one per module, not an array.
    for (const chunk of r.stdout.split(/\n}\n?/).filter((c) => c.trim())) out.push(JSON.parse(chunk + '\n}'));
  }
  return out;
}

/**
 * Component modules from a repository's versions.yaml (the list every release tags), each at its
 * module set's version: a component promoted to v1 is tagged v1.x in the same release.
 */
function componentModules(versionsYaml, repo) {
  const sets = parse(versionsYaml)['module-sets'];
  const all = Object.values(sets).flatMap((s) => s.modules.map((m) => ({ m, v: s.version, repo })));
  return all.filter(
    ({ m }) =>
      /\/(receiver|processor|exporter|extension|connector)\/[a-z0-9]+/.test(m) &&
      !/(helper|test|\/x[a-z]+|\/internal)(\/|$)/.test(m.replace(/^.*?\/(receiver|processor|exporter|extension|connector)\//, '/')),
  );
}

/** Newest version of a module the proxy lists that is older than `pin`. */
function newestBefore(path, pin, workDir) {
  const r = spawnSync('go', ['list', '-m', '-versions', '-json', path], { cwd: workDir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  if (r.status !== 0) return undefined;
  const cmp = (a, b) => {
    const [x, y] = [a, b].map((v) => v.slice(1).split('-')[0].split('.').map(Number));
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  };
  return (JSON.parse(r.stdout).Versions ?? [])
    .filter((v) => !v.includes('-') && cmp(v, pin) < 0)
    .sort(cmp)
    .at(-1);
}

/**
 * The component names each distribution report of the release lists, keyed by kind, and for each
 * name the module directory stem it most likely lives in (file_log -> filelog), so a module read
 * at an older version can be matched to its current name.
 */
function distributionReports(dir) {
  const out = { receivers: new Map(), processors: new Map(), exporters: new Map(), extensions: new Map(), connectors: new Map() };
  for (const file of ['core.yaml', 'contrib.yaml', 'k8s.yaml', 'otlp.yaml']) {
    if (!existsSync(join(dir, file))) continue;
    const report = parse(readFileSync(join(dir, file), 'utf8'));
    for (const [cls, names] of Object.entries(report.components ?? {})) {
      const kind = KIND_OF_CLASS[cls];
      if (!kind) continue;
      for (const name of names) out[kind].set(name.replaceAll('_', '') + cls, name);
    }
  }
  return out;
}

/**
 * Renames the release's CHANGELOG records ("Rename `filelog` receiver to `file_log` with deprecated
 * alias `filelog`"), for modules this script could not read at any version.
 */
export function changelogAliases(changelog) {
  const out = [];
  for (const line of changelog.split('\n')) {
    if (!/deprecated (type )?alias|kept as a deprecated alias/i.test(line)) continue;
    const head = /^- `(receiver|processor|exporter|extension|connector)\/([a-z0-9_]+)`/.exec(line);
    if (!head) continue;
    const [, cls, name] = head;
    const quoted = (text) => [...text.matchAll(/[`'"]([a-z0-9_]+)[`'"]/g)].map((m) => m[1]);
    const afterAlias = /deprecated (?:type )?alias\s+[`'"]([a-z0-9_]+)/.exec(line)?.[1];
    const afterRename = quoted(line.slice(line.search(/Rename|from/i) >= 0 ? line.search(/Rename|from/i) : line.length)).find((t) => t !== name);
    const alias = afterAlias && afterAlias !== name ? afterAlias : afterRename;
    if (alias && !alias.endsWith(cls)) out.push({ kind: KIND_OF_CLASS[cls], name, alias });
    else if (alias) out.push({ kind: KIND_OF_CLASS[cls], name, alias });
  }
  return out;
}

/** `.../receiver/filelogreceiver` -> `filelogreceiver`; `.../extension/storage/filestorage` -> `filestorage`. */
function moduleStem(module) {
  return module.split('/').at(-1);
}

/**
 * Every `$ref` in a config schema, with the config path it applies at. Local refs (no dot) are
 * followed into the schema's own definitions; refs to other modules are recorded as they are.
 */
function schemaRefs(schema) {
  const defs = { ...schema, ...(schema.$defs ?? {}) };
  const refs = [];
  const seen = new Set();
  const walk = (node, path) => {
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') {
      const ref = node.$ref;
      if (!ref.includes('.') && !ref.includes('/') && defs[ref] && !seen.has(`${ref}@${path}`)) {
        seen.add(`${ref}@${path}`);
        walk(defs[ref], path);
      } else refs.push({ ref, path });
    }
    for (const sub of node.allOf ?? []) walk(sub, path);
    for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, path ? `${path}.${k}` : k);
  };
  walk(schema, '');
  return refs;
}

const SERVER_REF = /(confighttp\.server_config|configgrpc\.server_config)$/;
const NET_REF = /confignet\.(tcp_)?addr_config$/;
const SCRAPER_REF = /scraperhelper\.controller_config$/;

function describe(dir, kind) {
  const meta = parse(readFileSync(join(dir, 'metadata.yaml'), 'utf8'));
  const stability = Object.entries(meta.status?.stability ?? {}).flatMap(([level, signals]) => signals.map((s) => [s, level]));
  const entry = {
    stability: Object.fromEntries(stability.sort(([a], [b]) => a.localeCompare(b))),
    distributions: [...(meta.status?.distributions ?? [])].sort(),
  };
  if (meta.deprecated_type) entry.deprecatedAlias = meta.deprecated_type;
  const schemaFile = join(dir, 'config.schema.yaml');
  const refs = existsSync(schemaFile) ? schemaRefs(parse(readFileSync(schemaFile, 'utf8')) ?? {}) : [];
  const source = ['factory.go', 'config.go']
    .filter((f) => existsSync(join(dir, f)))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const scrapes = refs.some((r) => SCRAPER_REF.test(r.ref));
  // A receiver's confignet address is where it connects when it also scrapes (redis, memcached);
  // only servers and non-scraping receivers/extensions hold a listening socket.
  const listeners = refs.filter((r) => SERVER_REF.test(r.ref) || (NET_REF.test(r.ref) && !scrapes && kind !== 'exporters'));
  if (kind === 'receivers' || kind === 'extensions' || kind === 'exporters') {
    if (listeners.length > 0) {
      entry.listens = [...new Set(listeners.map((r) => r.path))].sort();
      const endpoints = [...source.matchAll(/"((?:localhost|0\.0\.0\.0|127\.0\.0\.1|\[::\])?:\d{2,5})"|EndpointForPort\((\d{2,5})\)/g)].map((m) => m[1] ?? `localhost:${m[2]}`);
      if (endpoints.length > 0) entry.defaultEndpoints = [...new Set(endpoints)];
    }
    if (scrapes) entry.scrapes = true;
  }
  if (kind === 'exporters') {
    const queue = refs.some((r) => /exporterhelper\.queue_batch_config$/.test(r.ref));
    const retry = refs.some((r) => /configretry\.back_?off_config$/.test(r.ref));
    if (queue) entry.sendingQueueDefault = /NewDefaultQueueConfig\(\)/.test(source) && !/None\[exporterhelper\.Queue/.test(source) ? 'enabled' : 'disabled';
    if (retry) entry.retryOnFailureDefault = /NewDefaultBackOffConfig\(\)/.test(source) && !/(Retry|BackOff)\w*\.Enabled\s*=\s*false/.test(source) ? 'enabled' : 'disabled';
    // An exporter that serves a port is scraped by its consumer (prometheus): nothing to queue or retry.
    entry.delivery = listeners.some((r) => SERVER_REF.test(r.ref)) ? 'pull' : 'push';
  }
  return { type: meta.type, class: meta.status?.class, entry };
}

/** exporterhelper's own defaults, read from the code the builder compiles (not from its README). */
function exporterhelperDefaults(coreDir, retryDir) {
  const queue = readFileSync(join(coreDir, 'internal', 'queue_sender.go'), 'utf8');
  const retry = readFileSync(join(retryDir, 'generated_config.go'), 'utf8');
  const grab = (text, re, what) => {
    const m = re.exec(text);
    if (!m) throw new Error(`exporterhelper defaults: ${what} not found; the upstream code changed, update this script`);
    return m[1];
  };
  return {
    sending_queue: {
      enabled: true,
      storage: null,
      num_consumers: Number(grab(queue, /NumConsumers:\s*(\d+)/, 'NumConsumers')),
      queue_size: Number(grab(queue, /QueueSize:\s*([\d_]+)/, 'QueueSize').replaceAll('_', '')),
      sizer: grab(queue, /Sizer:\s*request\.SizerType(\w+),\s*\n\s*NumConsumers/, 'queue Sizer').toLowerCase(),
      block_on_overflow: grab(queue, /BlockOnOverflow:\s*(\w+)/, 'BlockOnOverflow') === 'true',
    },
    retry_on_failure: {
      enabled: grab(retry, /func NewDefaultBackOffConfig[\s\S]*?Enabled:\s*(\w+)/, 'retry Enabled') === 'true',
      initial_interval: grab(retry, /InitialInterval:\s*([^,]+),/, 'InitialInterval').replace(/ \* time\.(\w+)/, (_, u) => ({ Second: 's', Minute: 'm', Millisecond: 'ms' })[u]),
      max_interval: grab(retry, /MaxInterval:\s*([^,]+),/, 'MaxInterval').replace(/ \* time\.(\w+)/, (_, u) => ({ Second: 's', Minute: 'm', Millisecond: 'ms' })[u]),
      max_elapsed_time: grab(retry, /MaxElapsedTime:\s*([^,]+),/, 'MaxElapsedTime').replace(/ \* time\.(\w+)/, (_, u) => ({ Second: 's', Minute: 'm', Millisecond: 'ms' })[u]),
    },
  };
}

/** `gomod` and `path` of each manifest entry that is a module in this repository. */
function localModules(manifestText) {
  const manifest = parse(manifestText);
  const lists = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];
  return lists.flatMap((list) => (manifest[list] ?? []).filter((m) => m.path).map((m) => ({ gomod: m.gomod, path: m.path })));
}

export function generate() {
  const pins = manifestPins(readFileSync(join(root, 'collector', 'manifest.yaml'), 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'collector-components-'));
  try {
    writeFileSync(join(work, 'go.mod'), 'module collectorcomponents\n\ngo 1.25\n');
    const [coreRoot, contribRoot] = download([`${CORE}@${pins.core}`, `${CONTRIB}@${pins.contrib}`], work);
    const modules = [
      ...componentModules(readFileSync(join(coreRoot.Dir, 'versions.yaml'), 'utf8'), 'core'),
      ...componentModules(readFileSync(join(contribRoot.Dir, 'versions.yaml'), 'utf8'), 'contrib'),
    ];
    const dirs = download([...modules.map(({ m, v }) => `${m}@${v}`), `${CORE}/exporter/exporterhelper@${pins.core}`, `${CORE}/config/configretry@${pins.stable}`], work);
    for (const need of [coreRoot, contribRoot]) if (need.Error) throw new Error(`go mod download ${need.Path}: ${need.Error}`);
    const byPath = new Map(dirs.filter((d) => !d.Error).map((d) => [d.Path, { dir: d.Dir, version: d.Version }]));
    // A module the proxy cannot serve at the pin is described from its newest version before the
    // pin; the type name still comes from the release's distribution reports (below), so a rename
    // since that version shows up as the old name being a deprecated alias.
    const missing = dirs.filter((d) => d.Error && modules.some((x) => x.m === d.Path));
    const older = missing.map((d) => ({ path: d.Path, version: newestBefore(d.Path, d.Version, work) })).filter((x) => x.version);
    for (const d of download(
      older.map((x) => `${x.path}@${x.version}`),
      work,
    ))
      if (!d.Error) byPath.set(d.Path, { dir: d.Dir, version: d.Version });
    const unavailable = missing
      .filter((d) => !byPath.has(d.Path))
      .map((d) => `${d.Path}@${d.Version}`)
      .sort();
    const reportedNames = distributionReports(join(contribRoot.Dir, 'reports', 'distributions'));
    const components = { receivers: {}, processors: {}, exporters: {}, extensions: {}, connectors: {} };
    for (const { m, v, repo } of modules) {
      const found = byPath.get(m);
      const dir = found?.dir;
      if (!dir || !existsSync(join(dir, 'metadata.yaml'))) continue;
      const cls = parse(readFileSync(join(dir, 'metadata.yaml'), 'utf8'))?.status?.class;
      const kind = KIND_OF_CLASS[cls];
      if (!kind) continue;
      const described = describe(dir, kind);
      const entry = { module: `${m}@${v}`, repo, ...(found.version !== v ? { describedFrom: found.version } : {}), ...described.entry };
      let type = described.type;
      const renamed = found.version !== v ? reportedNames[kind].get(moduleStem(m)) : undefined;
      if (renamed && renamed !== type) {
        entry.deprecatedAlias ??= type;
        type = renamed;
      }
      components[kind][type] = entry;
    }
    // Types a distribution report lists but no module described (not downloadable at all).
    for (const [kind, names] of Object.entries(reportedNames)) {
      for (const name of names.values()) components[kind][name] ??= { module: null, repo: 'contrib', stability: {}, distributions: [] };
    }
    for (const { kind, name, alias } of changelogAliases(readFileSync(join(contribRoot.Dir, 'CHANGELOG.md'), 'utf8'))) {
      const entry = components[kind][name];
      if (entry && !entry.deprecatedAlias && !components[kind][alias]) entry.deprecatedAlias = alias;
    }
    // This repository's own components (local modules in the manifest), read from their metadata.yaml.
    for (const { gomod, path } of localModules(readFileSync(join(root, 'collector', 'manifest.yaml'), 'utf8'))) {
      const meta = parse(readFileSync(join(root, 'collector', path, 'metadata.yaml'), 'utf8'));
      const kind = KIND_OF_CLASS[meta?.status?.class];
      if (!kind) continue;
      const stability = Object.fromEntries(Object.entries(meta.status.stability ?? {}).flatMap(([level, signals]) => signals.map((s) => [s, level])));
      components[kind][meta.type] = { module: gomod, repo: 'telemetry-stack', stability, distributions: ['otelcol-telemetry-stack'] };
    }
    for (const kind of Object.keys(components)) {
      components[kind] = Object.fromEntries(Object.entries(components[kind]).sort(([a], [b]) => a.localeCompare(b)));
    }
    const thisDistribution = [...readFileSync(join(root, 'collector', 'manifest.yaml'), 'utf8').matchAll(/gomod:\s*(\S+)/g)].map((m) => m[1]);
    return {
      $comment: 'Generated by scripts/collector-components.mjs from the upstream Go modules at the pinned versions; do not edit by hand.',
      versions: pins,
      exporterhelperDefaults: exporterhelperDefaults(byPath.get(`${CORE}/exporter/exporterhelper`).dir, byPath.get(`${CORE}/config/configretry`).dir),
      thisDistribution,
      unavailable,
      components,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = JSON.stringify(generate(), null, 2) + '\n';
  if (process.argv.includes('--check')) {
    const same = existsSync(OUT) && readFileSync(OUT, 'utf8') === text;
    console.log(same ? `${OUT}: up to date` : `${OUT}: stale; run node scripts/collector-components.mjs`);
    process.exit(same ? 0 : 1);
  }
  writeFileSync(OUT, text);
  const counts = Object.entries(JSON.parse(text).components).map(([k, v]) => `${Object.keys(v).length} ${k}`);
  console.log(`${OUT}: ${counts.join(', ')}`);
}
