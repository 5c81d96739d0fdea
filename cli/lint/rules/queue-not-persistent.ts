import { isRecord, typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

/** Exporters that keep nothing (troubleshooting): a restart loses nothing worth keeping. */
const LOCAL = new Set(['debug', 'nop']);
/** Storage extension types whose presence says the author wants queues to survive restarts. */
const STORAGE_TYPES = new Set(['file_storage', 'db_storage', 'redis_storage']);

/**
 * The default sending queue lives in memory. That is only worth a warning where durability is the
 * point: a storage extension is configured (so the author meant to persist) or the exporter writes
 * the stack's own store (clickhouse).
 */
export const queueNotPersistent: LintRule = {
  id: 'queue-not-persistent',
  severity: 'warning',
  why: 'an in-memory sending queue loses every batch it holds when the Collector restarts or is killed',
  check({ doc, knowledge }) {
    const out: RuleFinding[] = [];
    const storage = doc.running('extensions').filter((id) => STORAGE_TYPES.has(typeOf(id)));
    const all = doc.components('exporters');
    const d = knowledge.exporterhelperDefaults.sending_queue;
    for (const id of doc.running('exporters')) {
      const entry = knowledge.entry('exporters', typeOf(id));
      if (!entry || LOCAL.has(typeOf(id)) || entry.delivery === 'pull' || entry.sendingQueueDefault === undefined) continue;
      if (storage.length === 0 && typeOf(id) !== 'clickhouse') continue;
      const q = all[id]?.['sending_queue'];
      const enabled = isRecord(q) && typeof q['enabled'] === 'boolean' ? q['enabled'] : entry.sendingQueueDefault === 'enabled';
      if (!enabled || (isRecord(q) && typeof q['storage'] === 'string')) continue;
      const written = isRecord(q) ? 'its sending_queue' : `its default sending_queue (enabled, in memory, ${d.queue_size} ${d.sizer})`;
      out.push({
        ...doc.atKey(['exporters'], id),
        path: `exporters.${id}.sending_queue.storage`,
        message: `${id} keeps ${written} in memory, lost on restart; set sending_queue.storage: ${storage[0] ?? 'file_storage'}${storage.length === 0 ? ' (and define the file_storage extension)' : ''}`,
      });
    }
    return out;
  },
};
