import { typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

export const redactionAllowedAndBlocked: LintRule = {
  id: 'redaction-allowed-and-blocked',
  severity: 'error',
  why: 'in the redaction processor allowed_values wins over blocked_values, so a value matching both passes unmasked: a secret that looks allowed leaks',
  check(doc) {
    const out: RuleFinding[] = [];
    for (const [id, cfg] of Object.entries(doc.components('processors'))) {
      if (typeOf(id) !== 'redaction') continue;
      const allowed = cfg['allowed_values'];
      const blocked = cfg['blocked_values'];
      if (Array.isArray(allowed) && allowed.length > 0 && Array.isArray(blocked) && blocked.length > 0) {
        out.push({ line: doc.lineOf(['processors', id, 'allowed_values']), path: `processors.${id}.allowed_values`, message: `${id} sets both allowed_values and blocked_values; allowed_values bypasses masking, split them into two processors or drop allowed_values` });
      }
    }
    return out;
  },
};
