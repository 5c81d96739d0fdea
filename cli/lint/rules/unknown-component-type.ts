import { KINDS, typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

export const unknownComponentType: LintRule = {
  id: 'unknown-component-type',
  severity: 'error',
  why: 'the Collector refuses to start on a component type that no module at the pinned versions provides, which is usually a typo',
  check({ doc, knowledge }) {
    const out: RuleFinding[] = [];
    for (const kind of KINDS) {
      for (const id of Object.keys(doc.components(kind))) {
        const s = knowledge.typeStatus(kind, typeOf(id));
        if (s.status !== 'unknown') continue;
        const hint = s.suggestion ? `did you mean ${s.suggestion}?` : `check the type against the ${kind} of core and contrib`;
        out.push({
          ...doc.atKey([kind], id),
          path: `${kind}.${id}`,
          message: `${kind.slice(0, -1)} type ${s.type} is not a Collector component at core ${knowledge.versions.core} / contrib ${knowledge.versions.contrib}; ${hint}`,
        });
      }
    }
    return out;
  },
};
