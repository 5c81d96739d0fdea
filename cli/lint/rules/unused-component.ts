import { KINDS } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

export const unusedComponent: LintRule = {
  id: 'unused-component',
  severity: 'warning',
  why: 'a component defined but never used is usually a pipeline someone forgot to wire, so its data goes nowhere',
  check({ doc }) {
    // An extension runs only when listed in service.extensions, even if a component names it.
    const used = new Set<string>(doc.serviceExtensions());
    for (const p of doc.pipelines()) for (const id of [...p.receivers, ...p.processors, ...p.exporters]) used.add(id);
    const out: RuleFinding[] = [];
    for (const kind of KINDS) {
      for (const id of Object.keys(doc.components(kind))) {
        if (used.has(id)) continue;
        const where = kind === 'extensions' ? 'service.extensions' : 'any pipeline';
        out.push({ ...doc.atKey([kind], id), path: `${kind}.${id}`, message: `${kind.slice(0, -1)} ${id} is defined but not used in ${where}; wire it in or remove it` });
      }
    }
    return out;
  },
};
