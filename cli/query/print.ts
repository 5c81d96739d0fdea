import { printJson } from '../commands/shared.js';
import type { OutputMode } from './cli-options.js';
import { renderCsv } from './csv.js';
import type { QueryResult } from './result.js';
import { renderTable, terminalWidth } from './table.js';
import { LABELS, PRESENT } from './ask.js';

/** One ad-hoc result (--sql, --logql) in the chosen output. */
export function printResult(command: string, result: QueryResult, mode: OutputMode): void {
  if (mode === 'json') printJson({ command, columns: result.columns, rows: result.rows });
  else if (mode === 'csv') process.stdout.write(renderCsv(result));
  else process.stdout.write(renderTable(result, { width: terminalWidth(), present: PRESENT, labels: LABELS }));
}
