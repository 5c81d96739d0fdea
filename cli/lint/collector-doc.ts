import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';

export type Kind = 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
export const KINDS: readonly Kind[] = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];
/** The only top-level keys the Collector accepts. */
export const TOP_LEVEL_KEYS: readonly string[] = [...KINDS, 'service'];

export interface Pipeline {
  id: string;
  /** `logs`, `metrics`, `traces` or `profiles`: the part of the id before `/`. */
  signal: string;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

/** Where a finding points: the file and line that set the value (the last file to set it wins). */
export interface Location {
  file: string;
  line: number;
}

export interface ConfigSource {
  file: string;
  text: string;
}

interface ParsedSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  value: unknown;
}

/**
 * One or more Collector config files parsed for linting and merged the way the Collector merges
 * several --config flags (confmap): maps merge key by key, and any other value, a list included,
 * is replaced by the later file's. Each path keeps the file and line that set it, so a finding
 * on a merged set points at the file to edit.
 */
export class CollectorDoc {
  readonly config: Record<string, unknown>;
  readonly parseErrors: (Location & { message: string })[];
  readonly sources: readonly ParsedSource[];

  constructor(sources: readonly ConfigSource[]);
  constructor(file: string, text: string);
  constructor(a: string | readonly ConfigSource[], text?: string) {
    const inputs = typeof a === 'string' ? [{ file: a, text: text ?? '' }] : a;
    this.parseErrors = [];
    const parsed: ParsedSource[] = [];
    for (const { file, text: t } of inputs) {
      const lines = new LineCounter();
      // merge: true honours YAML merge keys (`<<: *anchor`), which the Collector's YAML parser does too.
      const doc = parseDocument(t, { lineCounter: lines, prettyErrors: false, merge: true });
      for (const e of doc.errors) this.parseErrors.push({ file, line: lines.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! });
      parsed.push({ file, doc, lines, value: doc.errors.length === 0 ? doc.toJS({ maxAliasCount: -1 }) : {} });
    }
    this.sources = parsed;
    let merged: unknown = {};
    for (const p of parsed) merged = mergeConfig(merged, p.value ?? {});
    this.config = isRecord(merged) ? merged : {};
  }

  /** The files in the set, in merge order. */
  get files(): string[] {
    return this.sources.map((s) => s.file);
  }

  /** Location of the value at a path, or of its nearest existing ancestor. */
  at(path: readonly (string | number)[]): Location {
    for (let n = path.length; n > 0; n--) {
      for (let i = this.sources.length - 1; i >= 0; i--) {
        const s = this.sources[i]!;
        const node = s.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return { file: s.file, line: s.lines.linePos(node.range[0]).line };
      }
    }
    return { file: this.sources.at(-1)?.file ?? '', line: 1 };
  }

  /** Location of a key itself (for "defined here" findings). */
  atKey(parent: readonly string[], key: string): Location {
    for (let i = this.sources.length - 1; i >= 0; i--) {
      const s = this.sources[i]!;
      const map = s.doc.getIn(parent, true);
      if (isMap(map)) {
        const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        if (pair && isScalar(pair.key) && pair.key.range) return { file: s.file, line: s.lines.linePos(pair.key.range[0]).line };
      }
    }
    return this.at(parent);
  }

  components(kind: Kind): Record<string, Record<string, unknown>> {
    const section = this.config[kind];
    if (!isRecord(section)) return {};
    return Object.fromEntries(Object.entries(section).map(([id, cfg]) => [id, isRecord(cfg) ? cfg : {}]));
  }

  pipelines(): Pipeline[] {
    const service = this.config['service'];
    const pipelines = isRecord(service) ? service['pipelines'] : undefined;
    if (!isRecord(pipelines)) return [];
    return Object.entries(pipelines).map(([id, p]) => {
      const r = isRecord(p) ? p : {};
      return { id, signal: typeOf(id), receivers: strings(r['receivers']), processors: strings(r['processors']), exporters: strings(r['exporters']) };
    });
  }

  serviceExtensions(): string[] {
    const service = this.config['service'];
    return isRecord(service) ? strings(service['extensions']) : [];
  }

  /** Whether the set describes a runnable Collector (has pipelines); a lone fragment does not. */
  hasPipelines(): boolean {
    return this.pipelines().length > 0;
  }

  /**
   * Component ids that run: those a pipeline names, and extensions listed in service.extensions.
   * Without any pipeline (a fragment linted alone) every defined component counts.
   */
  running(kind: Kind): string[] {
    const defined = Object.keys(this.components(kind));
    if (!this.hasPipelines()) return defined;
    const used = new Set<string>(kind === 'extensions' ? this.serviceExtensions() : this.pipelines().flatMap((p) => [...p.receivers, ...p.processors, ...p.exporters]));
    return defined.filter((id) => used.has(id));
  }
}

/** confmap's merge: maps merge recursively, everything else (lists too) is replaced by the later value. */
export function mergeConfig(base: unknown, overlay: unknown): unknown {
  if (!isRecord(base) || !isRecord(overlay)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) out[k] = k in out ? mergeConfig(out[k], v) : v;
  return out;
}

/** `otlp_http/loki` -> `otlp_http`. */
export function typeOf(id: string): string {
  return id.split('/')[0]!;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
