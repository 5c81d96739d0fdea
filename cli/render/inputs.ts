import patternsFile from '../../configs/secrets/patterns.json' with { type: 'json' };
import { packagePath } from '../paths.js';
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
