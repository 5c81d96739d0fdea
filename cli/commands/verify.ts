import type { Command } from 'commander';
import { loadStack, printJson, STACK_FILE_OPTION } from './shared.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('prove the running stack end to end: config, health, storage, a canary through the pipeline, sanitization, retention, latency')
    .option(...STACK_FILE_OPTION)
    .option('--json', 'print the report as JSON')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const { stack } = await loadStack(opts.file);
      const { verifyStack } = await import('../verify/verify.js');
      const report = await verifyStack(stack, process.env, opts.json ? undefined : (line) => process.stdout.write(`${line}\n`));
      if (opts.json) printJson(report);
      else {
        for (const c of report.checks.filter((c) => !c.ok && c.hint)) process.stdout.write(`  fix ${c.name}: ${c.hint}\n`);
        process.stdout.write(report.ok ? 'verify: all checks passed\n' : `verify: ${report.checks.filter((c) => !c.ok).length} check(s) failed\n`);
      }
      if (!report.ok) process.exitCode = 1;
    });
}
