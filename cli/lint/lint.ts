import { CollectorDoc, isRecord, TOP_LEVEL_KEYS, type ConfigSource } from './collector-doc.js';
import { componentKnowledge } from './knowledge/components.js';
import type { Finding, LintContext } from './rule.js';
import { LINT_RULES } from './rules/index.js';

/** A file that parses as YAML but is not a Collector config (a Helm values file, a manifest, a list). */
export class NotCollectorConfig extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'NotCollectorConfig';
  }
}

/** Lints one Collector config. Pure apart from reading `ctx.env`. */
export function lintCollectorConfig(file: string, text: string, ctx: LintContext): Finding[] {
  return lintCollectorConfigs([{ file, text }], ctx);
}

/**
 * Lints a set of files merged the way the Collector merges several --config flags, so a base
 * and its overlays are judged as the one config the Collector runs. Throws NotCollectorConfig
 * for YAML that is not a Collector config at all.
 */
export function lintCollectorConfigs(sources: readonly ConfigSource[], ctx: LintContext): Finding[] {
  const doc = new CollectorDoc(sources);
  if (doc.parseErrors.length > 0) {
    return doc.parseErrors.map((e) => ({ rule: 'yaml-syntax', severity: 'error', file: e.file, line: e.line, path: '', message: e.message }));
  }
  for (const s of doc.sources) requireCollectorShape(s.file, s.value);
  const findings: Finding[] = [];
  const input = { doc, env: ctx.env, knowledge: componentKnowledge() };
  for (const rule of LINT_RULES) {
    for (const f of rule.check(input)) findings.push({ rule: rule.id, ...f, severity: f.severity ?? rule.severity });
  }
  const order = new Map(doc.files.map((f, i) => [f, i]));
  return findings.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.rule.localeCompare(b.rule));
}

function requireCollectorShape(file: string, value: unknown): void {
  // An empty file is a valid (empty) overlay for the Collector.
  if (value === null || value === undefined) return;
  if (!isRecord(value)) {
    throw new NotCollectorConfig(file, `not a Collector config: the top level is a ${Array.isArray(value) ? 'list' : typeof value}, expected a map with ${TOP_LEVEL_KEYS.join(', ')}`);
  }
  const keys = Object.keys(value);
  if (keys.length > 0 && !keys.some((k) => TOP_LEVEL_KEYS.includes(k))) {
    const hint = keys.includes('config')
      ? '; it looks like a Helm values file, lint the map under config: instead'
      : keys.includes('apiVersion')
        ? '; it looks like a Kubernetes manifest, lint the Collector config it embeds instead'
        : '';
    throw new NotCollectorConfig(file, `not a Collector config: top-level keys ${keys.slice(0, 4).join(', ')} and none of ${TOP_LEVEL_KEYS.join(', ')}${hint}`);
  }
}

export function lintFails(findings: readonly Finding[], strict: boolean): boolean {
  return findings.some((f) => f.severity === 'error' || (strict && f.severity === 'warning'));
}
