import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { parseFilters, parseLimit, outputMode } from '../query/cli-options.js';
import { addOutputOptions, addRangeOptions } from './query-options.js';
import { monthRange } from '../query/range.js';
import { loadStack, printJson, STACK_FILE_OPTION } from './shared.js';

export function registerReport(program: Command): void {
  const report = program.command('report').description('reports from the stored telemetry: a month (markdown + self-contained HTML) or public usage insights');

  report
    .command('month')
    .description('one month: cost per day, per user and model, tokens, top verbs, errors; writes markdown and a self-contained HTML page')
    .argument('<month>', 'the month, as YYYY-MM (UTC)')
    .option(...STACK_FILE_OPTION)
    .option('--out <dir>', 'directory to write the report into (default: the current directory)')
    .option('--json', 'print the report data as JSON instead of writing files')
    .action(async (month: string, opts: { file?: string; out?: string; json?: boolean }) => {
      const range = monthRange(month);
      const { stack } = await loadStack(opts.file);
      const [{ openQuerySource }, { buildMonthReport }, { renderMonthMarkdown }, { renderMonthHtml }, fs, path] = await Promise.all([
        import('../query/source.js'),
        import('../report/month.js'),
        import('../report/markdown.js'),
        import('../report/html.js'),
        import('node:fs'),
        import('node:path'),
      ]);
      const source = openQuerySource(stack, process.env);
      try {
        const data = await buildMonthReport(source, month.trim(), range);
        if (opts.json) {
          printJson(data);
          return;
        }
        const dir = path.resolve(opts.out ?? '.');
        try {
          fs.mkdirSync(dir, { recursive: true });
        } catch (e) {
          throw new UserError(`--out ${opts.out}: cannot create the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose a writable directory`);
        }
        const base = path.join(dir, `telemetry-report-${data.month}`);
        fs.writeFileSync(`${base}.md`, renderMonthMarkdown(data));
        fs.writeFileSync(`${base}.html`, renderMonthHtml(data));
        process.stdout.write(`report ${data.month}: ${base}.md\nreport ${data.month}: ${base}.html\n`);
      } finally {
        await source.close();
      }
    });

  const insights = report
    .command('insights')
    .description('public aggregates only: adoption per CLI and verb, installs by activity; groups smaller than --min-group are withheld, nothing per user')
    .option(...STACK_FILE_OPTION)
    .option('--min-group <n>', 'withhold any group of fewer installs than this (default: 5)')
    .option('--limit <n>', 'at most this many verbs (default: 100)')
    .option('--markdown', 'print a markdown page')
    .option('--html <dir>', 'write a static public page (index.html) into this directory, publishable as a folder')
    .option('--opt-out-url <url>', 'with --html: where your users read how to opt out (linked from the page)');
  addRangeOptions(insights);
  addOutputOptions(insights);
  insights.action(
    async (opts: { file?: string; minGroup?: string; limit?: string; since?: string; until?: string; json?: boolean; csv?: boolean; markdown?: boolean; html?: string; optOutUrl?: string }) => {
      const minGroup = opts.minGroup === undefined ? 5 : Number(opts.minGroup);
      if (!/^\d+$/.test(String(opts.minGroup ?? '5')) || minGroup < 2 || minGroup > 1_000_000) {
        throw new UserError(`--min-group ${opts.minGroup}: expected a whole number of installs, at least 2 (a group of one is one install)`);
      }
      if (opts.csv) throw new UserError('report insights --csv: the report has three tables; use --json or --markdown');
      if ([opts.markdown, opts.json, opts.html !== undefined].filter(Boolean).length > 1) throw new UserError('report insights: give one of --json, --markdown and --html');
      if (opts.optOutUrl !== undefined && opts.html === undefined) throw new UserError('--opt-out-url goes with --html; add --html <dir> or leave it out');
      if (opts.optOutUrl !== undefined && !/^https?:\/\/\S+$/.test(opts.optOutUrl)) throw new UserError(`--opt-out-url ${opts.optOutUrl}: expected an http(s) URL`);
      const mode = outputMode(opts);
      const filters = { ...parseFilters({ since: opts.since, until: opts.until }, 100), limit: parseLimit(opts.limit, 100), minGroup };
      const { stack } = await loadStack(opts.file);
      const [{ openQuerySource }, { buildInsights, renderInsightsMarkdown }, { INSIGHT_SECTIONS }, { renderTable, terminalWidth }, { PRESENT, describeRange }] = await Promise.all([
        import('../query/source.js'),
        import('../report/insights.js'),
        import('../query/questions.js'),
        import('../query/table.js'),
        import('../query/ask.js'),
      ]);
      const source = openQuerySource(stack, process.env);
      try {
        const data = await buildInsights(source, INSIGHT_SECTIONS, filters);
        if (mode === 'json') printJson(data);
        else if (opts.html !== undefined) {
          const [{ renderInsightsHtml }, fs, path] = await Promise.all([import('../report/insights-html.js'), import('node:fs'), import('node:path')]);
          const dir = path.resolve(opts.html);
          try {
            fs.mkdirSync(dir, { recursive: true });
          } catch (e) {
            throw new UserError(`--html ${opts.html}: cannot create the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose a writable directory`);
          }
          const file = path.join(dir, 'index.html');
          fs.writeFileSync(file, renderInsightsHtml(data, opts.optOutUrl ? { optOutUrl: opts.optOutUrl } : {}));
          process.stdout.write(`report insights: ${file}\n`);
        } else if (opts.markdown) process.stdout.write(renderInsightsMarkdown(data));
        else {
          process.stdout.write(`report insights: ${describeRange(filters)}, groups of at least ${minGroup} installs\n`);
          for (const [i, s] of data.sections.entries()) {
            process.stdout.write(`\n${s.title}\n`);
            const columns = Object.keys(s.rows[0] ?? {}).map((name) => ({ name, kind: typeof s.rows[0]![name] === 'number' ? ('number' as const) : ('text' as const), type: '' }));
            process.stdout.write(
              s.rows.length === 0 ? `(no group reaches ${minGroup} installs)\n` : renderTable({ columns, rows: s.rows }, { width: terminalWidth(), bar: INSIGHT_SECTIONS[i]!.bar, present: PRESENT }),
            );
            if (s.suppressedGroups > 0) process.stdout.write(`${s.suppressedGroups} smaller group(s) withheld\n`);
          }
        }
      } finally {
        await source.close();
      }
    },
  );
}
