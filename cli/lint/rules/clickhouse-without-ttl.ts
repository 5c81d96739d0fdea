import { typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

export const clickhouseWithoutTtl: LintRule = {
  id: 'clickhouse-without-ttl',
  severity: 'warning',
  why: 'without a ttl the clickhouse exporter keeps every row forever: disks fill and the retention promised to users is not kept',
  check({ doc }) {
    const out: RuleFinding[] = [];
    for (const [id, cfg] of Object.entries(doc.components('exporters'))) {
      if (typeOf(id) !== 'clickhouse') continue;
      const ttl = cfg['ttl'];
      if (ttl === undefined || ttl === 0 || ttl === '0' || ttl === '0s' || ttl === '') {
        out.push({ ...doc.atKey(['exporters'], id), path: `exporters.${id}.ttl`, message: `${id} has no ttl; set ttl (e.g. 2160h for 90 days)` });
      }
    }
    return out;
  },
};
