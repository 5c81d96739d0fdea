import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';

export type Kind = 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
export const KINDS: readonly Kind[] = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];

export interface Pipeline {
  id: string;
  /** `logs`, `metrics`, `traces` or `profiles`: the part of the id before `/`. */
  signal: string;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

/**
 * A Collector config parsed for linting: plain values for the rules to read, and line numbers
 * for every path so each finding points at the line to fix.
 */
export class CollectorDoc {
  readonly config: Record<string, unknown>;
  readonly parseErrors: { line: number; message: string }[];
  private readonly doc: Document;
  private readonly lines: LineCounter;

  constructor(readonly file: string, text: string) {
    this.lines = new LineCounter();
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    this.parseErrors = this.doc.errors.map((e) => ({ line: this.lines.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! }));
    const js: unknown = this.parseErrors.length === 0 ? this.doc.toJS() : {};
    this.config = isRecord(js) ? js : {};
  }

  /** Line of the value at a path, or of its nearest existing ancestor. */
  lineOf(path: readonly (string | number)[]): number {
    for (let n = path.length; n > 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return this.lines.linePos(node.range[0]).line;
    }
    return 1;
  }

  /** Line of a key itself (for "defined here" findings). */
  lineOfKey(parent: readonly string[], key: string): number {
    const map = this.doc.getIn(parent, true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair && isScalar(pair.key) && pair.key.range) return this.lines.linePos(pair.key.range[0]).line;
    }
    return this.lineOf(parent);
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
