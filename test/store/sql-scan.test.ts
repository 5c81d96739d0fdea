import { describe, expect, it } from 'vitest';
import { scanStatement } from '../../cli/store/embedded/sql-scan.js';

const formats = new Set(['native', 'jsoneachrow', 'json', 'tabseparated', 'csv', 'values', 'rowbinary']);
const isFormat = (n: string): boolean => formats.has(n.toLowerCase());
const scan = (text: string, complete = true) => scanStatement(text, complete, isFormat);

describe('scanStatement', () => {
  it('finds where inline INSERT data starts after FORMAT and one newline', () => {
    const header = 'INSERT INTO telemetry.otel_logs (Timestamp, Body) FORMAT Native\n';
    const text = header + '\x09\x01binary';
    const r = scan(text);
    expect(r.state).toBe('insert-data');
    if (r.state !== 'insert-data') return;
    expect(r.format).toBe('Native');
    // 0x09 is a tab: data that begins with whitespace bytes must not be skipped after the newline.
    expect(r.dataOffset).toBe(header.length);
    expect(text.slice(r.clauseStart, r.clauseStart + 6)).toBe('FORMAT');
  });

  it('starts data right after the whitespace when no newline follows the format name', () => {
    const text = 'INSERT INTO t FORMAT JSONEachRow   {"a":1}';
    const r = scan(text);
    expect(r.state).toBe('insert-data');
    if (r.state !== 'insert-data') return;
    expect(text.slice(r.dataOffset)).toBe('{"a":1}');
  });

  it('treats VALUES as inline data in the Values format', () => {
    const text = 'INSERT INTO t (a, b) VALUES (1, \'x\'), (2, \'y\')';
    const r = scan(text);
    expect(r.state).toBe('insert-data');
    if (r.state !== 'insert-data') return;
    expect(r.format).toBe('Values');
    expect(text.slice(r.dataOffset)).toBe(" (1, 'x'), (2, 'y')");
  });

  it('splices FROM INFILE before a SETTINGS clause', () => {
    const text = "INSERT INTO t SETTINGS format_csv_delimiter = ';' FORMAT CSV\n1;2";
    const r = scan(text);
    if (r.state !== 'insert-data') throw new Error('expected insert-data');
    expect(text.slice(r.infileSpliceOffset, r.infileSpliceOffset + 8)).toBe('SETTINGS');
    expect(r.format).toBe('CSV');
  });

  it('ignores FORMAT and VALUES inside strings, comments and parentheses', () => {
    const r = scan("INSERT INTO t /* FORMAT Native */ SELECT 'VALUES', format('{}', 1) FROM numbers(1)");
    expect(r).toMatchObject({ state: 'statement', keyword: 'INSERT', multiStatement: false });
  });

  it('does not take a table called format for a FORMAT clause', () => {
    const r = scan('INSERT INTO format VALUES (1)');
    expect(r).toMatchObject({ state: 'insert-data', format: 'Values' });
  });

  it('asks for more input while the INSERT header is cut off', () => {
    expect(scan('INSERT INTO t FORM', false).state).toBe('incomplete');
    expect(scan('INSERT INTO t FORMAT Nat', false).state).toBe('incomplete');
    expect(scan("INSERT INTO t SETTINGS x = 'a", false).state).toBe('incomplete');
    expect(scan('INSERT INTO t FORMAT Native   ', false).state).toBe('incomplete');
    expect(scan('INSERT INTO t FORMAT Native\n', false).state).toBe('insert-data');
  });

  it('reports the FORMAT clause of a SELECT only when it names a format', () => {
    expect(scan('SELECT 1 FORMAT JSONEachRow')).toMatchObject({ state: 'statement', keyword: 'SELECT', format: 'JSONEachRow' });
    const r = scan('SELECT format FROM t');
    expect(r).toMatchObject({ state: 'statement', keyword: 'SELECT' });
    expect(r.state === 'statement' ? r.format : 'not a statement').toBeUndefined();
  });

  it('detects a second statement but allows a trailing semicolon', () => {
    expect(scan('SELECT 1;')).toMatchObject({ multiStatement: false });
    expect(scan('SELECT 1; -- done\n')).toMatchObject({ multiStatement: false });
    expect(scan("SELECT ';'; SET max_threads = 1")).toMatchObject({ multiStatement: true });
  });

  it('reports SET and USE, whose effects the engine undoes after the request', () => {
    expect(scan("SET max_threads = 2, output_format_json_quote_64bit_integers = '1'")).toMatchObject({ keyword: 'SET' });
    expect(scan('USE `telemetry`')).toMatchObject({ keyword: 'USE' });
  });

  it('reports the first keyword past comments', () => {
    expect(scan('-- note\n/* a /* nested */ b */ select 1')).toMatchObject({ keyword: 'SELECT' });
    expect(scan('   ')).toMatchObject({ keyword: '' });
  });
});
