import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError, UserError } from '../errors.js';
import type { ConfigSource } from '../lint/collector-doc.js';
import { readEnvFile } from '../lint/env.js';
import { formatFindings, LINT_FORMATS, type LintFormat } from '../lint/format.js';
import { lintCollectorConfigs, lintFails, NotCollectorConfig } from '../lint/lint.js';
import type { Finding } from '../lint/rule.js';

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('lint Collector configs (rendered or hand-written): exposure, data loss, privacy, unknown, deprecated and removed types and keys')
    .argument('<collector.yaml...>', 'Collector config files; several are merged like the Collector merges several --config flags')
    .option('--format <format>', `output: ${LINT_FORMATS.join(' | ')}`, 'human')
    .option('--strict', 'fail on warnings too')
    .option('--separate', 'lint each file on its own instead of merging them')
    .option('--env-file <file>', 'NAME=value lines the Collector will run with (over the process environment) to resolve ${env:NAME}')
    .action((files: string[], opts: { format: string; strict?: boolean; separate?: boolean; envFile?: string }) => {
      if (!(LINT_FORMATS as readonly string[]).includes(opts.format)) {
        throw new UsageError(`--format ${opts.format}: expected one of ${LINT_FORMATS.join(', ')}`);
      }
      const env = opts.envFile ? { ...process.env, ...readEnvFile(opts.envFile) } : process.env;
      const sources: ConfigSource[] = files.map((file) => {
        try {
          return { file, text: readFileSync(file, 'utf8') };
        } catch (e) {
          throw new UserError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
      });
      const findings: Finding[] = [];
      try {
        for (const set of opts.separate ? sources.map((s) => [s]) : [sources]) findings.push(...lintCollectorConfigs(set, { env }));
      } catch (e) {
        if (e instanceof NotCollectorConfig) throw new UserError(e.message, [], 2);
        throw e;
      }
      process.stdout.write(formatFindings(findings, opts.format as LintFormat, files.length));
      if (lintFails(findings, opts.strict ?? false)) process.exitCode = 1;
    });
}
