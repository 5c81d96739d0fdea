import { KINDS, typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

export const deprecatedType: LintRule = {
  id: 'deprecated-type',
  severity: 'warning',
  why: 'deprecated aliases disappear in a later Collector release, and removed types stop the Collector from starting',
  check({ doc, knowledge }) {
    const out: RuleFinding[] = [];
    for (const kind of KINDS) {
      for (const id of Object.keys(doc.components(kind))) {
        const s = knowledge.typeStatus(kind, typeOf(id));
        const what = `${kind.slice(0, -1)} type ${s.type}`;
        if (s.status === 'alias') {
          out.push({ ...doc.atKey([kind], id), path: `${kind}.${id}`, message: `${what} is a deprecated alias at ${knowledge.versions.contrib}; rename it to ${s.use}` });
        } else if (s.status === 'removed') {
          out.push({ ...doc.atKey([kind], id), path: `${kind}.${id}`, severity: 'error', message: `${what} is removed from the Collector (${s.source}); use ${s.use}` });
        }
      }
    }
    return out;
  },
};
