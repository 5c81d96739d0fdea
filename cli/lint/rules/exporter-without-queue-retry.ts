import { isRecord, typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

/**
 * Exporters that send through exporters of their own per endpoint (at the given config path):
 * load_balancing keeps its own queue and retries off by default for compatibility, while the
 * otlp exporter it runs for each backend queues and retries by default, so nothing is lost there.
 */
const DELEGATES: Record<string, string[]> = { load_balancing: ['protocol', 'otlp'], loadbalancing: ['protocol', 'otlp'] };

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
      const inner = innerConfig(cfg, DELEGATES[typeOf(id)]);
      // The per-endpoint exporter's own setting, on unless it says enabled: false.
      const delegatedOn = (key: 'sending_queue' | 'retry_on_failure') => {
        if (!inner) return false;
        const v = inner[key];
        return !(isRecord(v) && v['enabled'] === false);
      };
      const state = (key: 'sending_queue' | 'retry_on_failure', def: 'enabled' | 'disabled' | undefined) => {
        // Only keys the exporter has: file and debug exporters write locally and have no retries.
        if (def === undefined) return;
        const v = cfg[key];
        const explicit = isRecord(v) && typeof v['enabled'] === 'boolean' ? v['enabled'] : undefined;
        if (explicit === false) off.push(`${key}.enabled: false`);
        else if (explicit === undefined && def === 'disabled' && !delegatedOn(key)) off.push(`${key} (off by default for ${typeOf(id)})`);
      };
      state('sending_queue', entry.sendingQueueDefault);
      state('retry_on_failure', entry.retryOnFailureDefault);
      if (off.length === 0) continue;
      const key = off[0]!.split(/[ .]/)[0]!;
      out.push({
        ...doc.at(['exporters', id, key, 'enabled']),
        path: `exporters.${id}.${key}`,
        message: `${id} runs with ${off.join(' and ')}; ${off.some((o) => o.includes('by default')) ? 'set enabled: true on each' : 'remove enabled: false (exporterhelper turns both on by default) or set enabled: true'}`,
      });
    }
    return out;
  },
};

function innerConfig(cfg: Record<string, unknown>, path: string[] | undefined): Record<string, unknown> | undefined {
  if (!path) return undefined;
  let node: unknown = cfg;
  for (const part of path) node = isRecord(node) ? node[part] : undefined;
  // `protocol: {otlp: ...}` is required for load_balancing; an absent block means no delegate to credit.
  return isRecord(node) ? node : undefined;
}
