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
  const marker = language === 'clickhouse' ? '--' : '#';
  const header: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(marker)) break;
    header.push(line.slice(marker.length).replace(/^ /, ''));
  }
  const params = new Map<string, string>();
  if (language === 'clickhouse') for (const m of text.matchAll(PARAM)) params.set(m[1]!, m[2]!.trim());
  else {
    // LogQL has no parameters; the loader fills $selector (narrowed by service) and $range.
    if (text.includes('$range')) params.set('since', 'range').set('until', 'range');
    if (text.includes('$selector')) params.set('service', 'selector');
  }
  return { name, language, path, text, description: header.join('\n').trim(), params };
}
