import { loadSanitizeInputs } from '../../render/inputs.js';
import { INERT_SHAPES } from '../../render/sanitize/inert-values.js';
import { REDACTION_PII_PATTERNS } from '../../render/sanitize/pii-patterns.js';
import { typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

/**
 * Whether allowed_values holds only the inert shapes and blocked_values only built-in patterns:
 * the one combination shown safe (no blocked pattern can match inside an allowed value; see
 * cli/render/sanitize/inert-values.ts), which the rendered chain uses to skip scanning.
 */
function onlyProvenInert(allowed: unknown[], blocked: unknown[]): boolean {
  const shapes = new Set(INERT_SHAPES);
  if (!allowed.every((a) => typeof a === 'string' && shapes.has(a))) return false;
  const builtIn = new Set([...loadSanitizeInputs().secretPatterns, ...REDACTION_PII_PATTERNS]);
  return blocked.every((b) => typeof b === 'string' && builtIn.has(b));
}

export const redactionAllowedAndBlocked: LintRule = {
  id: 'redaction-allowed-and-blocked',
  severity: 'error',
  why: 'in the redaction processor allowed_values wins over blocked_values, so a value matching both passes unmasked: a secret that looks allowed leaks (the inert shapes telemetry-stack renders, with only its built-in patterns, are the exception it accepts)',
  check({ doc }) {
    const out: RuleFinding[] = [];
    for (const [id, cfg] of Object.entries(doc.components('processors'))) {
      if (typeOf(id) !== 'redaction') continue;
      const allowed = cfg['allowed_values'];
      const blocked = cfg['blocked_values'];
      if (Array.isArray(allowed) && allowed.length > 0 && Array.isArray(blocked) && blocked.length > 0 && !onlyProvenInert(allowed, blocked)) {
        out.push({
          ...doc.at(['processors', id, 'allowed_values']),
          path: `processors.${id}.allowed_values`,
          message: `${id} sets both allowed_values and blocked_values; allowed_values bypasses masking, split them into two processors or drop allowed_values`,
        });
      }
    }
    return out;
  },
};
