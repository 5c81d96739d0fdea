import type { Command } from 'commander';
import { outputMode, parseFilters, type QueryOptionValues } from '../query/cli-options.js';
import { addFilterOptions, addOutputOptions, addRangeOptions } from './query-options.js';
import { loadStack, STACK_FILE_OPTION } from './shared.js';

const DEFAULT_LIMIT = 20;

export function registerUsage(program: Command): void {
  const usage = program.command('usage').description('questions about CLI usage (cli.command events from the telemetry-stack client)');
  const top = usage
    .command('top')
    .description('verbs by use: events, distinct users (install fingerprints), failure rate (exit code not 0)')
    .option(...STACK_FILE_OPTION);
  addRangeOptions(top);
  addFilterOptions(top, DEFAULT_LIMIT, ['service', 'limit', 'raw']);
  addOutputOptions(top);
  top.action(async (opts: QueryOptionValues) => {
    const filters = parseFilters(opts, DEFAULT_LIMIT);
    const mode = outputMode(opts);
    const { stack } = await loadStack(opts.file);
    const [{ askQuestion }, { USAGE_TOP }] = await Promise.all([import('./print-answers.js'), import('../query/questions.js')]);
    await askQuestion(stack, USAGE_TOP, filters, mode);
  });
}
