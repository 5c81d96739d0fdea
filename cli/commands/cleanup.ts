import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { parseInstant } from '../query/range.js';
import { loadStack, printJson, STACK_FILE_OPTION } from './shared.js';

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description('delete stored events, metrics and rollups older than a duration (whole days), and print the rows removed per table')
    .option(...STACK_FILE_OPTION)
    .requiredOption('--older-than <age>', 'delete data older than this: a duration (90d, 12w, 36h) or an ISO date; moved back to the start of its day')
    .option('--dry-run', 'count what would be deleted; delete nothing')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { file?: string; olderThan: string; dryRun?: boolean; json?: boolean }) => {
      const before = parseInstant(opts.olderThan, '--older-than', new Date());
      const { stack } = await loadStack(opts.file);
      if (stack.backend === 'loki') {
        throw new UserError(`cleanup: backend loki deletes old data itself (retention ${stack.retention}, by its compactor); change retention in the stack file instead`);
      }
      const { clusterDeleteProblem } = await import('../schema/layout.js');
      const onCluster = clusterDeleteProblem(stack, 'cleanup');
      if (onCluster && !opts.dryRun) throw new UserError(onCluster);
      const { cleanup } = await import('../retention/cleanup.js');
      const result = await cleanup(stack, process.env, before, { dryRun: opts.dryRun ?? false });
      if (opts.json) {
        printJson(result);
        return;
      }
      const verb = result.dryRun ? 'would remove' : 'removed';
      const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
      process.stdout.write(`cleanup: data dated before ${result.cutoff} (${stack.clickhouse.database})\n`);
      const width = Math.max(...result.tables.map((t) => t.table.length));
      for (const t of result.tables) process.stdout.write(`  ${t.table.padEnd(width)}  ${verb} ${rows(t.rows)}\n`);
      process.stdout.write(`cleanup: ${verb} ${rows(result.total)} in total\n`);
    });
}
