import { typeOf, type Kind } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

/** Renamed or removed component types, per kind, with what to write instead. */
const REPLACEMENTS: Partial<Record<Kind, Record<string, { use: string; removed: boolean }>>> = {
  exporters: {
    otlphttp: { use: 'otlp_http', removed: false },
    otlp: { use: 'otlp_grpc', removed: false },
    loki: { use: "otlp_http with endpoint http://<loki>:3100/otlp (Loki's native OTLP ingest)", removed: true },
    logging: { use: 'debug', removed: true },
  },
};

export const deprecatedType: LintRule = {
  id: 'deprecated-type',
  severity: 'warning',
  why: 'deprecated aliases disappear in a later Collector release, and removed types stop the Collector from starting',
  check(doc) {
    const out: RuleFinding[] = [];
    for (const [kind, table] of Object.entries(REPLACEMENTS) as [Kind, Record<string, { use: string; removed: boolean }>][]) {
      for (const id of Object.keys(doc.components(kind))) {
        const r = table[typeOf(id)];
        if (!r) continue;
        out.push({
          line: doc.lineOfKey([kind], id),
          path: `${kind}.${id}`,
          message: `${kind.slice(0, -1)} type ${typeOf(id)} is ${r.removed ? 'removed from current Collector releases' : 'deprecated'}; use ${r.use}`,
          ...(r.removed ? { severity: 'error' as const } : {}),
        });
      }
    }
    return out;
  },
};
