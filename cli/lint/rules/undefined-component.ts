import type { Kind } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

export const undefinedComponent: LintRule = {
  id: 'undefined-component',
  severity: 'error',
  why: 'the Collector refuses to start when a pipeline names a component that is not defined',
  check({ doc }) {
    const out: RuleFinding[] = [];
    const defined = (kind: Kind) => new Set(Object.keys(doc.components(kind)));
    const connectors = defined('connectors');
    for (const p of doc.pipelines()) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        const known = defined(kind);
        p[kind].forEach((id, i) => {
          if (known.has(id) || (kind !== 'processors' && connectors.has(id))) return;
          out.push({ ...doc.at(['service', 'pipelines', p.id, kind, i]), path: `service.pipelines.${p.id}.${kind}`, message: `${kind.slice(0, -1)} ${id} is not defined under ${kind}:` });
        });
      }
    }
    const extensions = defined('extensions');
    doc.serviceExtensions().forEach((id, i) => {
      if (!extensions.has(id)) out.push({ ...doc.at(['service', 'extensions', i]), path: 'service.extensions', message: `extension ${id} is not defined under extensions:` });
    });
    return out;
  },
};
