import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError, UserError } from '../errors.js';
import { formatFindings, LINT_FORMATS, type LintFormat } from '../lint/format.js';
import { lintCollectorConfig, lintFails } from '../lint/lint.js';
import type { Finding } from '../lint/rule.js';

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('lint Collector configs (rendered or hand-written): exposure, data loss, privacy, deprecated types')
    .argument('<collector.yaml...>', 'Collector config files')
    .option('--format <format>', `output: ${LINT_FORMATS.join(' | ')}`, 'human')
    .option('--strict', 'fail on warnings too')
    .action((files: string[], opts: { format: string; strict?: boolean }) => {
      if (!(LINT_FORMATS as readonly string[]).includes(opts.format)) {
        throw new UsageError(`--format ${opts.format}: expected one of ${LINT_FORMATS.join(', ')}`);
      }
      const findings: Finding[] = [];
      for (const file of files) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new UserError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
        findings.push(...lintCollectorConfig(file, text, { env: process.env }));
      }
      process.stdout.write(formatFindings(findings, opts.format as LintFormat, files.length));
      if (lintFails(findings, opts.strict ?? false)) process.exitCode = 1;
    });
}
