import { readFileSync } from 'node:fs';
import { packagePath } from '../../paths.js';
import type { Kind } from '../collector-doc.js';

/** One component type as scripts/collector-components.mjs read it from its upstream module. */
export interface ComponentEntry {
  module: string | null;
  /** Where the module lives: upstream core or contrib, or this repository's own components. */
  repo: 'core' | 'contrib' | 'telemetry-stack';
  /** Set when the module could not be read at the pin and an older release was read instead. */
  describedFrom?: string;
  stability: Record<string, string>;
  distributions: string[];
  deprecatedAlias?: string;
  /** Config paths holding a server address ('' = the component's root). */
  listens?: string[];
  defaultEndpoints?: string[];
  scrapes?: boolean;
  sendingQueueDefault?: 'enabled' | 'disabled';
  retryOnFailureDefault?: 'enabled' | 'disabled';
  delivery?: 'push' | 'pull';
}

interface Generated {
  versions: { core: string; stable: string; contrib: string };
  exporterhelperDefaults: {
    sending_queue: { num_consumers: number; queue_size: number; sizer: string; block_on_overflow: boolean };
    retry_on_failure: { enabled: boolean; initial_interval: string; max_interval: string; max_elapsed_time: string };
  };
  thisDistribution: string[];
  components: Record<Kind, Record<string, ComponentEntry>>;
}

export interface RemovedKey {
  path?: string;
  kind?: Kind;
  type?: string;
  key?: string;
  use: string;
  source: string;
}

export interface ListenerFacts {
  /** Config paths of the server sections ('' = root). */
  paths: string[];
  /** The key holding the address inside each section (`endpoint` unless stated). */
  endpointKey: string;
  defaultEndpoints: string[];
}

interface Curated {
  removedComponents: Partial<Record<Kind, Record<string, { use: string; source: string }>>>;
  removedKeys: RemovedKey[];
  listeners: Partial<Record<Kind, Record<string, { paths: string[]; endpointKey?: string; defaultEndpoints: string[] }>>>;
}

export type TypeStatus =
  | { status: 'current'; type: string; entry: ComponentEntry }
  | { status: 'alias'; type: string; use: string; entry: ComponentEntry }
  | { status: 'removed'; type: string; use: string; source: string }
  | { status: 'unknown'; type: string; suggestion?: string };

/**
 * What the linter knows about component types at the pinned versions: the generated file
 * (configs/collector-components.json) and the hand-kept removed names and keys
 * (configs/collector-curated.json). Both are read once per process.
 */
export class ComponentKnowledge {
  private readonly aliases = new Map<string, string>();

  constructor(
    readonly generated: Generated,
    readonly curated: Curated,
  ) {
    for (const [kind, table] of Object.entries(generated.components)) {
      for (const [type, e] of Object.entries(table)) if (e.deprecatedAlias) this.aliases.set(`${kind}:${e.deprecatedAlias}`, type);
    }
  }

  get versions() {
    return this.generated.versions;
  }

  get exporterhelperDefaults() {
    return this.generated.exporterhelperDefaults;
  }

  typeStatus(kind: Kind, type: string): TypeStatus {
    const entry = this.generated.components[kind]?.[type];
    if (entry) return { status: 'current', type, entry };
    const current = this.aliases.get(`${kind}:${type}`);
    if (current) return { status: 'alias', type, use: current, entry: this.generated.components[kind][current]! };
    const removed = this.curated.removedComponents[kind]?.[type];
    if (removed) return { status: 'removed', type, use: removed.use, source: removed.source };
    const suggestion = this.suggest(kind, type);
    return suggestion ? { status: 'unknown', type, suggestion } : { status: 'unknown', type };
  }

  /** The entry for a type or its deprecated alias. */
  entry(kind: Kind, type: string): ComponentEntry | undefined {
    const s = this.typeStatus(kind, type);
    return s.status === 'current' || s.status === 'alias' ? s.entry : undefined;
  }

  /** Where a receiver, extension or exporter listens, or undefined when it does not (or nobody knows). */
  listener(kind: Kind, type: string): ListenerFacts | undefined {
    const s = this.typeStatus(kind, type);
    const canonical = s.status === 'alias' ? s.use : type;
    const curated = this.curated.listeners[kind]?.[canonical];
    if (curated) return { paths: curated.paths, endpointKey: curated.endpointKey ?? 'endpoint', defaultEndpoints: curated.defaultEndpoints };
    const e = this.entry(kind, type);
    if (e?.listens) return { paths: e.listens, endpointKey: 'endpoint', defaultEndpoints: e.defaultEndpoints ?? [] };
    return undefined;
  }

  removedKeys(): readonly RemovedKey[] {
    return this.curated.removedKeys;
  }

  /** The closest current type or alias within a small edit distance, for "did you mean". */
  suggest(kind: Kind, type: string): string | undefined {
    const names = [...Object.keys(this.generated.components[kind] ?? {}), ...[...this.aliases.keys()].filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1))];
    let best: { name: string; d: number } | undefined;
    for (const name of names) {
      const d = editDistance(type.toLowerCase(), name);
      if (d < (best?.d ?? Infinity)) best = { name, d };
    }
    // Two edits catch typos and underscores; beyond that the guess is noise.
    const limit = Math.max(2, Math.floor(type.length / 4));
    if (!best || best.d > limit) return undefined;
    return this.aliases.get(`${kind}:${best.name}`) ?? best.name;
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

let cached: ComponentKnowledge | undefined;

export function componentKnowledge(): ComponentKnowledge {
  cached ??= new ComponentKnowledge(
    JSON.parse(readFileSync(packagePath('configs', 'collector-components.json'), 'utf8')) as Generated,
    JSON.parse(readFileSync(packagePath('configs', 'collector-curated.json'), 'utf8')) as Curated,
  );
  return cached;
}
