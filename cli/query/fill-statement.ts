/**
 * Fills `{name:Type}` placeholders of a stored statement (cli/query/templates.ts loadStatement) in
 * the text itself, for what cannot travel as a query parameter: the database and table names of a
 * rendered DDL file, the days of its TTL, a LogQL selector. Each value is checked against the
 * type its placeholder declares, so a value cannot change the statement's shape: identifiers
 * match a strict pattern, numbers are non-negative integers, strings are quoted and escaped for
 * the statement's language. Placeholders not named in `values` are left for the server's query
 * parameters. Pure: no file system.
 */
import type { StatementLanguage } from './templates.js';

export type FillValue = string | number;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function fillStatement(language: StatementLanguage, text: string, values: Readonly<Record<string, FillValue>>): string {
  const unused = new Set(Object.keys(values));
  const filled = text.replace(PLACEHOLDER, (whole, name: string, type: string) => {
    if (!Object.hasOwn(values, name)) return whole;
    unused.delete(name);
    return literal(language, name, type.trim(), values[name]!);
  });
  // A value with no placeholder is a statement and its caller out of step: a bug, not user input.
  if (unused.size > 0) throw new Error(`statement has no placeholder for ${[...unused].join(', ')}`);
  return filled;
}

function literal(language: StatementLanguage, name: string, type: string, value: FillValue): string {
  if (type === 'Identifier') {
    if (typeof value !== 'string' || !IDENTIFIER.test(value)) throw new Error(`{${name}:Identifier}: ${JSON.stringify(value)} is not a plain identifier`);
    return value;
  }
  if (type === 'UInt32') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`{${name}:UInt32}: ${JSON.stringify(value)} is not a whole number`);
    return String(value);
  }
  if (type === 'String') {
    if (typeof value !== 'string') throw new Error(`{${name}:String}: ${JSON.stringify(value)} is not a string`);
    // LogQL strings are Go string literals, which JSON's quoting is valid for; ClickHouse quotes with ' and escapes with \.
    return language === 'logql' ? JSON.stringify(value) : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  throw new Error(`{${name}:${type}}: only Identifier, UInt32 and String placeholders are filled in the text`);
}
