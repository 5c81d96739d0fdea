import type { Finding } from './rule.js';
import { LINT_RULES } from './rules/index.js';

export const LINT_FORMATS = ['human', 'json', 'github', 'sarif'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

export function formatFindings(findings: readonly Finding[], format: LintFormat, filesChecked: number): string {
  switch (format) {
    case 'human':
      return human(findings, filesChecked);
    case 'json':
      return JSON.stringify({ filesChecked, errors: count(findings, 'error'), warnings: count(findings, 'warning'), findings }, null, 2) + '\n';
    case 'github':
      // Workflow commands: each becomes an annotation on the line in the pull request diff.
      return findings.map((f) => `::${f.severity} file=${f.file},line=${f.line},title=${f.rule}::${escapeGithub(f.message)}`).join('\n') + (findings.length ? '\n' : '');
    case 'sarif':
      return JSON.stringify(sarif(findings), null, 2) + '\n';
  }
}

function human(findings: readonly Finding[], filesChecked: number): string {
  const lines = findings.map((f) => `${f.file}:${f.line}: ${f.severity}: ${f.message} [${f.rule}]`);
  const e = count(findings, 'error');
  const w = count(findings, 'warning');
  lines.push(`${filesChecked} file${filesChecked === 1 ? '' : 's'} checked: ${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

const count = (findings: readonly Finding[], s: Finding['severity']) => findings.filter((f) => f.severity === s).length;

function escapeGithub(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function sarif(findings: readonly Finding[]) {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'telemetry-stack lint',
            rules: LINT_RULES.map((r) => ({ id: r.id, shortDescription: { text: r.why }, defaultConfiguration: { level: r.severity } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          level: f.severity,
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, region: { startLine: f.line } } }],
        })),
      },
    ],
  };
}
