import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { loadStack, printJson, STACK_FILE_OPTION } from './shared.js';

export function registerSchema(program: Command): void {
  const schema = program.command('schema').description('the ClickHouse schema the stack owns: tables, Distributed tables on a cluster, rollups, TTLs');

  const load = async (file: string | undefined) => {
    const { stack } = await loadStack(file);
    if (stack.backend === 'loki') throw new UserError('schema: this stack stores in Loki, which has no schema to apply; the command is for backend clickhouse or embedded');
    const { readClickHousePassword } = await import('../home/secrets.js');
    return { stack, password: readClickHousePassword(stack, process.env) };
  };

  schema
    .command('diff')
    .description('print what schema apply would change on each server (exit 0 either way)')
    .option(...STACK_FILE_OPTION)
    .option('--json', 'print the plan as JSON')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const { stack, password } = await load(opts.file);
      const { formatPlan, planSchema } = await import('../schema/apply.js');
      const plan = await planSchema(stack, password);
      if (opts.json) printJson(plan);
      else process.stdout.write(formatPlan(plan));
    });

  schema
    .command('apply')
    .description('create or update the schema, idempotently (up runs it too)')
    .option(...STACK_FILE_OPTION)
    .option('--json', 'print what was applied as JSON')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const { stack, password } = await load(opts.file);
      const { applySchema, formatPlan } = await import('../schema/apply.js');
      const plan = await applySchema(stack, password, (line) => process.stderr.write(`${line}\n`));
      if (opts.json) printJson(plan);
      else process.stdout.write(formatPlan(plan, true));
    });
}
