import { isRecord, typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

export const batchBeforePersistentQueue: LintRule = {
  id: 'batch-before-persistent-queue',
  severity: 'error',
  why: 'the batch processor holds acknowledged data in memory before the persistent queue, so a kill or crash loses it (collector #12711)',
  check({ doc }) {
    const exporters = doc.components('exporters');
    const out: RuleFinding[] = [];
    for (const p of doc.pipelines()) {
      const persistent = p.exporters.filter((id) => {
        const q = exporters[id]?.['sending_queue'];
        return isRecord(q) && typeof q['storage'] === 'string' && q['enabled'] !== false;
      });
      if (persistent.length === 0) continue;
      p.processors.forEach((id, i) => {
        if (typeOf(id) !== 'batch') return;
        out.push({
          ...doc.at(['service', 'pipelines', p.id, 'processors', i]),
          path: `service.pipelines.${p.id}.processors`,
          message: `${id} runs before ${persistent.join(', ')} whose sending_queue is on ${String((exporters[persistent[0]!]!['sending_queue'] as Record<string, unknown>)['storage'])}; remove ${id} and batch in the exporter (sending_queue.batch)`,
        });
      });
    }
    return out;
  },
};
