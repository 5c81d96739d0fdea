import { isRecord, typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

/** Exporters that never leave the process (tests, troubleshooting) need no queue. */
const LOCAL_EXPORTERS = new Set(['debug', 'file', 'nop']);

export const exporterWithoutQueueRetry: LintRule = {
  id: 'exporter-without-queue-retry',
  severity: 'warning',
  why: 'an exporter without a sending queue and retries drops data on the first storage error or restart',
  check(doc) {
    const out: RuleFinding[] = [];
    for (const [id, cfg] of Object.entries(doc.components('exporters'))) {
      if (LOCAL_EXPORTERS.has(typeOf(id))) continue;
      const queue = cfg['sending_queue'];
      const retry = cfg['retry_on_failure'];
      const missing: string[] = [];
      if (!isRecord(queue) || queue['enabled'] === false) missing.push('sending_queue');
      if (!isRecord(retry) || retry['enabled'] === false) missing.push('retry_on_failure');
      if (missing.length > 0) {
        out.push({ line: doc.lineOfKey(['exporters'], id), path: `exporters.${id}`, message: `${id} has no ${missing.join(' or ')}; configure sending_queue (with storage) and retry_on_failure` });
      }
    }
    return out;
  },
};
