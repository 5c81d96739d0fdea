import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../cli/paths.js';
import { fillStatement } from '../../cli/query/fill-statement.js';
import { loadStatement, type StatementLanguage } from '../../cli/query/templates.js';

/** Every statement file under configs/sql and configs/logql, as `<area>/<name>`. */
function statementNames(language: StatementLanguage): string[] {
  const root = packagePath('configs', language);
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(packagePath('configs', language, d.name)).map((f) => `${d.name}/${f.slice(0, -`.${language}`.length)}`));
}

describe('statement files (configs/sql, configs/logql)', () => {
  for (const language of ['sql', 'logql'] as const) {
    for (const name of statementNames(language)) {
      it(`${language} ${name}: a header comment, then a statement`, () => {
        const text = loadStatement(language, name);
        expect(text).not.toBe('');
        expect(text).toBe(text.trim());
      });
    }
  }

  it('loads only <area>/<name>', () => {
    expect(() => loadStatement('sql', '../queries/clickhouse/cost')).toThrow(/is not <area>\/<name>/);
  });
});

describe('fillStatement', () => {
  const text = 'SELECT {n:UInt32} FROM {db:Identifier}.t WHERE a = {s:String} AND b = {p:String}';

  it('fills the named placeholders by their type and leaves the rest for query parameters', () => {
    expect(fillStatement('sql', text, { n: 30, db: 'telemetry', s: "it's \\ here" })).toBe("SELECT 30 FROM telemetry.t WHERE a = 'it\\'s \\\\ here' AND b = {p:String}");
  });

  it('quotes LogQL strings as Go string literals', () => {
    expect(fillStatement('logql', '{service_name={service:String}} |= {id:String}', { service: 'claude-code', id: 'a"b' })).toBe('{service_name="claude-code"} |= "a\\"b"');
  });

  it('refuses values that would change the statement', () => {
    expect(() => fillStatement('sql', text, { db: 'x; DROP TABLE t' })).toThrow(/not a plain identifier/);
    expect(() => fillStatement('sql', text, { n: 1.5 })).toThrow(/not a whole number/);
    expect(() => fillStatement('sql', text, { n: '30' })).toThrow(/not a whole number/);
    expect(() => fillStatement('sql', text, { missing: 'x' })).toThrow(/no placeholder for missing/);
  });
});
