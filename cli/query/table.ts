import type { Cell, Column, QueryResult } from './result.js';

/** How a column reads in a terminal table (JSON and CSV always carry the plain value). */
export type Presentation = 'usd' | 'percent' | 'ratio' | 'int' | 'plain';

export interface TableOptions {
  /** Terminal width in columns. */
  width: number;
  /** Numeric column drawn as a bar after the last column. */
  bar?: string;
  /** Presentation per column name; numbers default to int or plain by value. */
  present?: Readonly<Record<string, Presentation>>;
  /** Header text per column name; else the name in capitals, underscores as spaces. */
  labels?: Readonly<Record<string, string>>;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const MAX_BAR = 40;
const MIN_BAR = 8;
const MIN_TEXT = 10;
const GAP = 2;

/** The terminal width to lay tables out for: the tty's, else $COLUMNS, else 100. */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env['COLUMNS']);
  return Number.isInteger(fromEnv) && fromEnv > 20 ? fromEnv : 100;
}

/** Columns a string takes in a terminal: wide (CJK, emoji) code points take two, combining marks none. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Cuts a string to at most `width` terminal columns, ending in … when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

export function formatCell(value: Cell, column: Column, present: Presentation | undefined): string {
  if (value === null) return '-';
  if (typeof value === 'string') return value.replace(/[\r\n\t]+/g, ' ');
  if (column.kind !== 'number') return String(value);
  switch (present) {
    case 'usd':
      return '$' + value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 4 : 2);
    case 'percent':
      return (value * 100).toFixed(1) + '%';
    case 'ratio':
      return value.toFixed(2);
    case 'int':
      return Math.round(value).toLocaleString('en-US');
    default:
      return Number.isInteger(value) ? value.toLocaleString('en-US') : String(Math.round(value * 10_000) / 10_000);
  }
}

/** A bar of `fraction` (0..1) of `width` columns, to the eighth of a column. */
export function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/**
 * A plain-text table sized to the terminal: numbers right-aligned, the widest text columns cut
 * (with …) when the table would wrap, and a bar for one numeric column in what width is left.
 */
export function renderTable(result: QueryResult, options: TableOptions): string {
  const { columns, rows } = result;
  if (rows.length === 0) return '(no rows)\n';
  const header = columns.map((c) => options.labels?.[c.name] ?? c.name.replace(/_/g, ' ').toUpperCase());
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c.name] ?? null, c, options.present?.[c.name])));
  const widths = columns.map((_, i) => Math.max(displayWidth(header[i]!), ...cells.map((row) => displayWidth(row[i]!))));
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);

  // Cut text columns, widest first, until the table fits (never below MIN_TEXT).
  for (let guard = 0; guard < 1000 && total() > options.width; guard++) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      if (columns[i]!.kind !== 'text') continue;
      if (widths[i]! > MIN_TEXT && (widest === -1 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest === -1) break;
    widths[widest] = Math.max(MIN_TEXT, widths[widest]! - (total() - options.width));
  }

  const barIndex = options.bar === undefined ? -1 : columns.findIndex((c) => c.name === options.bar && c.kind === 'number');
  const barWidth = Math.min(MAX_BAR, options.width - total() - GAP);
  const showBar = barIndex !== -1 && barWidth >= MIN_BAR;
  const max = showBar ? Math.max(0, ...rows.map((r) => Number(r[options.bar!] ?? 0))) : 0;

  const line = (values: string[], barText: string) =>
    (values.map((v, i) => pad(truncate(v, widths[i]!), widths[i]!, columns[i]!.kind === 'number')).join(' '.repeat(GAP)) + (barText ? ' '.repeat(GAP) + barText : '')).trimEnd();
  const out = [line(header, '')];
  rows.forEach((r, k) => {
    const value = Number(r[options.bar ?? ''] ?? 0);
    out.push(line(cells[k]!, showBar && max > 0 ? bar(value / max, barWidth) : ''));
  });
  return out.join('\n') + '\n';
}
