import { CollectorDoc } from './collector-doc.js';
import type { Finding, LintContext } from './rule.js';
import { LINT_RULES } from './rules/index.js';

/** Lints one Collector config. Pure apart from reading `ctx.env`. */
export function lintCollectorConfig(file: string, text: string, ctx: LintContext): Finding[] {
  const doc = new CollectorDoc(file, text);
  if (doc.parseErrors.length > 0) {
    return doc.parseErrors.map((e) => ({ rule: 'yaml-syntax', severity: 'error', file, line: e.line, path: '', message: e.message }));
  }
  const findings: Finding[] = [];
  for (const rule of LINT_RULES) {
    for (const f of rule.check(doc, ctx)) {
      findings.push({ rule: rule.id, file, ...f, severity: f.severity ?? rule.severity });
    }
  }
  return findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

export function lintFails(findings: readonly Finding[], strict: boolean): boolean {
  return findings.some((f) => f.severity === 'error' || (strict && f.severity === 'warning'));
}
