import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { loadStack, printJson, STACK_FILE_OPTION } from './shared.js';

export function registerPurge(program: Command): void {
  program
    .command('purge')
    .description("delete one person's data: events, metric points and their share of the rollups (matched on user.id, user.email, user.account_uuid)")
    .option(...STACK_FILE_OPTION)
    .requiredOption('--user <id>', 'their email or user id as the client sent it (hashed the way the stack stores it), or the stored value a report shows')
    .option('--dry-run', 'count what would be deleted; delete nothing')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { file?: string; user: string; dryRun?: boolean; json?: boolean }) => {
      const id = opts.user.trim();
      if (!id) throw new UserError('purge --user: empty; give the email or user id to remove');
      const { stack } = await loadStack(opts.file);
      if (stack.backend === 'loki') {
        throw new UserError("purge: backend loki is not supported; delete with Loki's own delete API (/loki/api/v1/delete) on its stream labels");
      }
      const { clusterDeleteProblem } = await import('../schema/layout.js');
      const onCluster = clusterDeleteProblem(stack, 'purge');
      if (onCluster && !opts.dryRun) throw new UserError(onCluster);
      const { purgeUser } = await import('../retention/purge.js');
      const result = await purgeUser(stack, process.env, id, { dryRun: opts.dryRun ?? false });
      if (opts.json) printJson(result);
      else {
        const verb = result.dryRun ? 'would remove' : 'removed';
        const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
        process.stdout.write(
          `purge: rows whose user.id, user.email or user.account_uuid (or a key under them, as user.id.0) is ${id}${result.matched.length > 1 ? ' or its keyed hash' : ''} (${stack.clickhouse.database})\n`,
        );
        if (stack.privacy.userId.mode === 'drop') process.stdout.write('purge: privacy.userId.mode is drop, so user ids are not stored; matching the value as given only\n');
        const width = Math.max(...result.tables.map((t) => t.table.length));
        for (const t of result.tables) {
          process.stdout.write(`  ${t.table.padEnd(width)}  ${verb} ${rows(t.rows)}${t.rebuilt ? ` (${t.rebuilt} shared rollup rows rebuilt from the events left)` : ''}\n`);
        }
        process.stdout.write(`purge: ${verb} ${rows(result.total)} in total\n`);
      }
      if (result.remaining > 0) throw new UserError(`purge: ${result.remaining} matching rows are still stored (written while the purge ran?); run purge again`);
    });
}
