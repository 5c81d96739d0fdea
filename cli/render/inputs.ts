import patternsFile from '../../configs/secrets/patterns.json' with { type: 'json' };
import { packagePath } from '../paths.js';
import { loadStatement } from '../query/templates.js';
import type { ClickHouseDdlSql } from './clickhouse-ddl.js';
import type { SanitizeInputs } from './sanitize/chain.js';

/**
 * The secret patterns, compiled from configs/secrets/rules.yaml into configs/secrets/patterns.json
 * by `npm run golden:update` (and drift-checked with the goldens). Renderers get the JSON, imported
 * as a module (no file reading of their own): parsing and validating the 140 KB rules file with its
 * samples costs ~300 ms, every render would pay it.
 */
export const SECRET_PATTERNS_PATH = packagePath('configs', 'secrets', 'patterns.json');

/** The one source of truth for the secret rules. */
export const SECRET_RULES_PATH = packagePath('configs', 'secrets', 'rules.yaml');
/** The sanitize processor's embedded copy of it, refreshed by `npm run golden:update` and drift-checked. */
export const PROCESSOR_RULES_PATH = packagePath('collector', 'processor', 'sanitizeprocessor', 'internal', 'rules', 'rules.yaml');

export function loadSanitizeInputs(): SanitizeInputs {
  return { secretPatterns: patternsFile.patterns };
}

/** Everything renderBundle reads besides the stack: the secret patterns and the DDL's statement files. */
export interface RenderInputs extends SanitizeInputs {
  clickhouseDdl: ClickHouseDdlSql;
}

/** The statement files of the ClickHouse DDL, read here so the renderer itself reads no disk. */
export function loadClickHouseDdlSql(): ClickHouseDdlSql {
  return { rollups: loadStatement('sql', 'schema/rollups') };
}

export function loadRenderInputs(): RenderInputs {
  return { ...loadSanitizeInputs(), clickhouseDdl: loadClickHouseDdlSql() };
}
