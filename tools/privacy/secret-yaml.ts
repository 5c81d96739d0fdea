// Reading the secret configuration files as YAML documents (not plain values) keeps each
// node's position, so every problem can name the file, the line and the path to fix.

import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, YAMLMap } from 'yaml';

export class YamlReader {
  readonly problems: string[] = [];
  private readonly lines = new LineCounter();
  readonly root: unknown;

  constructor(
    readonly file: string,
    source: string,
  ) {
    const doc = parseDocument(source, { lineCounter: this.lines, prettyErrors: false });
    for (const error of doc.errors) {
      const line = this.lines.linePos(error.pos[0]).line;
      this.problems.push(`${file}:${line}: ${error.message.split('\n')[0]}`);
    }
    this.root = doc.errors.length === 0 ? doc.contents : undefined;
  }

  lineOf(node: unknown): number | undefined {
    const range = (node as Node | undefined)?.range;
    return range === undefined || range === null ? undefined : this.lines.linePos(range[0]).line;
  }

  report(node: unknown, path: string, message: string): void {
    const line = this.lineOf(node);
    this.problems.push(`${this.file}${line === undefined ? '' : `:${line}`}: ${path}: ${message}`);
  }

  /** The entries of a map node, keyed by their string keys; reports anything else. */
  entries(node: unknown, path: string, known: readonly string[]): Map<string, unknown> | undefined {
    if (node === undefined) return undefined;
    if (!isMap(node)) {
      this.report(node, path, 'expected a mapping');
      return undefined;
    }
    const out = new Map<string, unknown>();
    for (const pair of (node as YAMLMap).items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string') {
        this.report(pair.key, path, 'keys must be strings');
        continue;
      }
      if (!known.includes(key)) this.report(pair.key, `${path}.${key}`, `unknown key (expected one of: ${known.join(', ')})`);
      out.set(key, pair.value);
    }
    return out;
  }

  // Readers below return undefined without a report for an undefined node: a missing key was
  // already reported by required(), once.

  /** The value of a required key, reported against the owning node when missing. */
  required(entries: Map<string, unknown>, key: string, owner: unknown, path: string): unknown {
    const value = entries.get(key);
    if (value === undefined || value === null) {
      this.report(owner, `${path}.${key}`, 'is required');
      return undefined;
    }
    return value;
  }

  items(node: unknown, path: string): unknown[] | undefined {
    if (node === undefined) return undefined;
    if (!isSeq(node)) {
      this.report(node, path, 'expected a list');
      return undefined;
    }
    return node.items;
  }

  /** The node's value when it is a string scalar; reports nothing. */
  peekString(node: unknown): string | undefined {
    const value = isScalar(node) ? node.value : undefined;
    return typeof value === 'string' ? value : undefined;
  }

  string(node: unknown, path: string, { allowEmpty = false } = {}): string | undefined {
    if (node === undefined) return undefined;
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string') {
      this.report(node, path, 'expected a string');
      return undefined;
    }
    if (!allowEmpty && value.length === 0) {
      this.report(node, path, 'must not be empty');
      return undefined;
    }
    return value;
  }

  strings(node: unknown, path: string): string[] | undefined {
    const list = this.items(node, path);
    if (list === undefined) return undefined;
    const out: string[] = [];
    list.forEach((item, i) => {
      const s = this.string(item, `${path}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out.length === list.length ? out : undefined;
  }

  number(node: unknown): number | undefined {
    const value = isScalar(node) ? node.value : undefined;
    return typeof value === 'number' ? value : undefined;
  }
}
