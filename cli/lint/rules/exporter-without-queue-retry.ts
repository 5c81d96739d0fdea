import { isRecord, typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

/**
 * Fires only when the queue or the retries are off: explicitly (`enabled: false`) or because this
 * exporter type's own default is off. exporterhelper turns both on by default, so most exporters
 * that write neither key are fine. Pull exporters (prometheus) are scraped and never queue.
 */
export const exporterWithoutQueueRetry: LintRule = {
  id: 'exporter-without-queue-retry',
  severity: 'warning',
  why: 'an exporter with its sending queue or retries turned off drops data on the first backend error or slow response',
  check({ doc, knowledge }) {
    const out: RuleFinding[] = [];
    const all = doc.components('exporters');
    for (const id of doc.running('exporters')) {
      const cfg = all[id] ?? {};
      const entry = knowledge.entry('exporters', typeOf(id));
      if (!entry || entry.delivery === 'pull') continue;
      const off: string[] = [];
      const state = (key: 'sending_queue' | 'retry_on_failure', def: 'enabled' | 'disabled' | undefined) => {
        // Only keys the exporter has: file and debug exporters write locally and have no retries.
        if (def === undefined) return;
        const v = cfg[key];
        const explicit = isRecord(v) && typeof v['enabled'] === 'boolean' ? v['enabled'] : undefined;
        if (explicit === false) off.push(`${key}.enabled: false`);
        else if (explicit === undefined && def === 'disabled') off.push(`${key} (off by default for ${typeOf(id)})`);
      };
      state('sending_queue', entry.sendingQueueDefault);
      state('retry_on_failure', entry.retryOnFailureDefault);
      if (off.length === 0) continue;
      const key = off[0]!.split(/[ .]/)[0]!;
      out.push({ ...doc.at(['exporters', id, key, 'enabled']), path: `exporters.${id}.${key}`, message: `${id} runs with ${off.join(' and ')}; remove enabled: false (both are on by default) or set enabled: true` });
    }
    return out;
  },
};
