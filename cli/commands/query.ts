import type { Command } from 'commander';
import { UsageError, UserError } from '../errors.js';
import type { Question } from '../query/ask.js';
import { outputMode, parseFilters, parseLimit, type FilterOption, type QueryOptionValues } from '../query/cli-options.js';
import { parseRange } from '../query/range.js';
import { addFilterOptions, addOutputOptions, addRangeOptions } from './query-options.js';
import { loadStack, STACK_FILE_OPTION } from './shared.js';

interface QueryCommandOptions extends QueryOptionValues {
  sql?: string;
  logql?: string;
  only?: string;
}

const QUESTIONS: { name: string; description: string; limit: number; filters: FilterOption[]; only?: boolean }[] = [
  {
    name: 'cost',
    description: 'Claude Code cost and tokens per day, user and model (api_request events; user = user.email, else user.id, else a resource attribute)',
    limit: 100,
    filters: ['user', 'model', 'raw', 'user-attribute'],
  },
  {
    name: 'tokens',
    description: 'per model: output/input token ratio and prompt-cache hit ratio',
    limit: 50,
    filters: ['user', 'model', 'raw', 'user-attribute'],
  },
  {
    name: 'errors',
    description: 'API errors by status code and error over time, failing tools, failing CLI verbs',
    limit: 20,
    filters: ['service', 'user', 'model', 'raw', 'user-attribute'],
    only: true,
  },
  { name: 'sessions', description: 'Claude Code sessions, newest first: user, duration, prompts, requests, cost, tools, errors', limit: 20, filters: ['user', 'user-attribute'] },
  {
    name: 'events',
    description: 'recent CLI and Claude Code events, newest first, sanitized fields only (the drill-down behind a verb or a user)',
    limit: 50,
    filters: ['service', 'verb', 'user', 'user-attribute'],
  },
];

export function registerQuery(program: Command): void {
  const query = program
    .command('query')
    .description('answer a question from the stored telemetry, or run read-only SQL (--sql) or LogQL (--logql)')
    .configureHelp({ showGlobalOptions: true })
    .option(...STACK_FILE_OPTION)
    .option('--sql <statement>', 'run one read-only statement (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN) on ClickHouse or the embedded engine')
    .option('--logql <query>', 'run a LogQL query on Loki (a log query lists lines in the range; a metric query is evaluated at its end)');
  // The range, limit and output options live here, on the parent, so they read the same before or
  // after the question's name (`query --since 7d cost` and `query cost --since 7d`).
  addRangeOptions(query);
  query.option('--limit <n>', 'at most this many rows (default: per question; 100 lines for --logql)');
  addOutputOptions(query);

  query.action(async (opts: QueryCommandOptions) => {
    if (opts.sql !== undefined && opts.logql !== undefined) throw new UserError('query: --sql and --logql both given; pick one');
    if (opts.sql === undefined && opts.logql === undefined) {
      throw new UsageError(`query: name a question (${QUESTIONS.map((q) => q.name).join(', ')}) or give --sql or --logql; see telemetry-stack query --help`);
    }
    const mode = outputMode(opts);
    if (opts.sql !== undefined) {
      if (opts.since !== undefined || opts.until !== undefined || opts.limit !== undefined) {
        throw new UserError('query --sql: --since, --until and --limit apply to questions and --logql; put WHERE and LIMIT in the statement');
      }
    }
    const range = opts.logql !== undefined ? parseRange(opts.since, opts.until) : undefined;
    const limit = parseLimit(opts.limit, 100);
    const { stack } = await loadStack(opts.file);
    const [{ openQuerySource }, { printResult }] = await Promise.all([import('../query/source.js'), import('./print-answers.js')]);
    const source = openQuerySource(stack, process.env);
    try {
      const result = opts.sql !== undefined ? await source.sql(opts.sql) : await source.logql(opts.logql!, range!, limit);
      printResult(opts.sql !== undefined ? 'query --sql' : 'query --logql', result, mode);
    } finally {
      await source.close();
    }
  });

  for (const q of QUESTIONS) {
    const sub = query.command(q.name).description(q.description);
    addFilterOptions(sub, q.limit, q.filters);
    if (q.only) sub.option('--only <table>', 'print one table: api, tools or verbs');
    sub.action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<QueryCommandOptions>();
      if (opts.sql !== undefined || opts.logql !== undefined) throw new UserError(`query ${q.name}: --sql and --logql run on their own; leave out ${q.name}`);
      const filters = parseFilters(opts, q.limit);
      const mode = outputMode(opts);
      const { stack } = await loadStack(opts.file);
      const [{ askQuestion }, questions] = await Promise.all([import('./print-answers.js'), import('../query/questions.js')]);
      let question: Question;
      if (q.name === 'errors') {
        const sections = questions.ERROR_SECTIONS.filter((s) => opts.only === undefined || s.key === opts.only);
        if (sections.length === 0) throw new UserError(`query errors --only ${opts.only}: expected api, tools or verbs`);
        question = { command: 'query errors', sections };
      } else {
        question = { cost: questions.COST, tokens: questions.TOKENS, sessions: questions.SESSIONS, events: questions.EVENTS }[q.name as 'cost' | 'tokens' | 'sessions' | 'events'];
      }
      await askQuestion(stack, question, filters, mode);
    });
  }
}
