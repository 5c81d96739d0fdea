import { UserError } from '../errors.js';
import { answer, answersJson, describeRange, LABELS, PRESENT, type Answer, type Question } from '../query/ask.js';
import type { OutputMode } from '../query/cli-options.js';
import { renderCsv } from '../query/csv.js';
import type { QueryFilters } from '../query/params.js';
import type { QueryResult } from '../query/result.js';
import { openQuerySource } from '../query/source.js';
import { renderTable, terminalWidth } from '../query/table.js';
import type { Stack } from '../stack/resolve.js';
import { printJson } from './shared.js';

/**
 * How question commands print their answers: a table per section, JSON (the same object the
 * dashboard's API answers with) or CSV. The answers themselves come from query/ask.ts.
 */

/** One ad-hoc result (--sql, --logql) in the chosen output. */
export function printResult(command: string, result: QueryResult, mode: OutputMode): void {
  if (mode === 'json') printJson({ command, columns: result.columns, rows: result.rows });
  else if (mode === 'csv') process.stdout.write(renderCsv(result));
  else process.stdout.write(renderTable(result, { width: terminalWidth(), present: PRESENT, labels: LABELS }));
}

export function printAnswers(stack: Stack, question: Question, filters: QueryFilters, answers: Answer[], mode: OutputMode): void {
  if (mode === 'json') {
    printJson(answersJson(stack.backend, question, filters, answers));
    return;
  }
  if (mode === 'csv') {
    process.stdout.write(renderCsv(answers[0]!.result));
    return;
  }
  const width = terminalWidth();
  process.stdout.write(`${question.command}: ${describeRange(filters)}${filters.raw ? ' (raw events only)' : ''}\n`);
  for (const a of answers) {
    process.stdout.write(`\n${a.section.title}\n`);
    process.stdout.write(renderTable(a.result, { width, ...(a.section.bar ? { bar: a.section.bar } : {}), present: { ...PRESENT, ...a.section.present }, labels: LABELS }));
  }
}

/** The whole of a question command once the stack is loaded: storage, filters checked, answers printed. */
export async function askQuestion(stack: Stack, question: Question, filters: QueryFilters, mode: OutputMode): Promise<void> {
  if (mode === 'csv' && question.sections.length !== 1) {
    throw new UserError(`${question.command} --csv: CSV holds one table; pick one with --only ${question.sections.map((s) => s.key).join('|')}`);
  }
  const source = openQuerySource(stack, process.env);
  try {
    printAnswers(stack, question, filters, await answer(source, question, filters), mode);
  } finally {
    await source.close();
  }
}
