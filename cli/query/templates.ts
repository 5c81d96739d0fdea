import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../paths.js';

export type TemplateLanguage = 'clickhouse' | 'loki';

export interface Template {
  name: string;
  language: TemplateLanguage;
  path: string;
  /** The statement as stored, header comment included (ClickHouse ignores comments). */
  text: string;
  /** The header comment without its comment markers: what the template answers and reads. */
  description: string;
  /** Query parameters the statement names, with their ClickHouse types (`{since:DateTime64(3)}`). */
  params: ReadonlyMap<string, string>;
}

const EXTENSION: Record<TemplateLanguage, string> = { clickhouse: '.sql', loki: '.logql' };
const NAME = /^[a-z][a-z0-9-]*$/;
const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;

export const templatesDir = (language: TemplateLanguage): string => packagePath('configs', 'queries', language);

/** The templates shipped for one storage language, by name. */
export function templateNames(language: TemplateLanguage): string[] {
  const dir = templatesDir(language);
  if (!existsSync(dir)) return [];
  const ext = EXTENSION[language];
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();
}

export function hasTemplate(language: TemplateLanguage, name: string): boolean {
  return NAME.test(name) && existsSync(join(templatesDir(language), name + EXTENSION[language]));
}

/** Loads a template by name; a missing one is a packaging bug, not a user mistake. */
export function loadTemplate(language: TemplateLanguage, name: string): Template {
  if (!NAME.test(name)) throw new Error(`template name ${JSON.stringify(name)} is not a plain name`);
  const path = join(templatesDir(language), name + EXTENSION[language]);
  const text = readFileSync(path, 'utf8');
  const { header } = splitHeader(text, COMMENT[language]);
  const params = new Map<string, string>();
  if (language === 'clickhouse') for (const m of text.matchAll(PARAM)) params.set(m[1]!, m[2]!.trim());
  else {
    // LogQL has no parameters; the loader fills $selector (narrowed by service) and $range.
    if (text.includes('$range')) params.set('since', 'range').set('until', 'range');
    if (text.includes('$selector')) params.set('service', 'selector');
  }
  return { name, language, path, text, description: header.join('\n').trim(), params };
}

/**
 * Statements the CLI runs or renders itself (schema, retention, verify), as against the questions
 * above: configs/sql/<area>/<name>.sql and configs/logql/<area>/<name>.logql. Each file opens with
 * a comment saying what the statement is for; the statement is what follows that comment and the
 * blank line after it. Placeholders are ClickHouse's `{name:Type}`: sent as query parameters, or
 * filled by fillStatement (cli/query/fill-statement.ts) where the text is not sent with parameters.
 */
export type StatementLanguage = 'sql' | 'logql';

const STATEMENT_NAME = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/;
const statements = new Map<string, string>();

/** The statement stored as `<area>/<name>` (e.g. `schema/rollups`); a missing one is a packaging bug. */
export function loadStatement(language: StatementLanguage, name: string): string {
  if (!STATEMENT_NAME.test(name)) throw new Error(`statement name ${JSON.stringify(name)} is not <area>/<name>`);
  const path = packagePath('configs', language, `${name}.${language}`);
  // Package files do not change while the CLI runs; a query loop reads each once.
  let text = statements.get(path);
  if (text === undefined) {
    text = splitHeader(readFileSync(path, 'utf8'), COMMENT[language]).body.trim();
    statements.set(path, text);
  }
  return text;
}

/** The comment marker of each language, templates and statements alike. */
const COMMENT: Record<TemplateLanguage | StatementLanguage, string> = { clickhouse: '--', sql: '--', loki: '#', logql: '#' };

/** The comment lines a file opens with (markers removed), and the rest after the blank lines that follow them. */
function splitHeader(text: string, marker: string): { header: string[]; body: string } {
  const lines = text.split('\n');
  const header: string[] = [];
  let i = 0;
  for (; i < lines.length && lines[i]!.startsWith(marker); i++) header.push(lines[i]!.slice(marker.length).replace(/^ /, ''));
  while (i < lines.length && lines[i]!.trim() === '') i++;
  return { header, body: lines.slice(i).join('\n') };
}
