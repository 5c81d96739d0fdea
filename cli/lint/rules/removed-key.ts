import { isRecord, KINDS, typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

function hasPath(value: unknown, path: string[]): boolean {
  let node = value;
  for (const part of path) {
    if (!isRecord(node) || !(part in node)) return false;
    node = node[part];
  }
  return true;
}

export const removedKey: LintRule = {
  id: 'removed-key',
  severity: 'error',
  why: 'a key the Collector no longer knows makes it refuse the config (or, for a few, silently ignore it), so the setting the author relied on is not in effect',
  check({ doc, knowledge }) {
    const out: RuleFinding[] = [];
    for (const r of knowledge.removedKeys()) {
      if (r.path) {
        const parts = r.path.split('.');
        if (hasPath(doc.config, parts)) out.push({ ...doc.at(parts), path: r.path, message: `${r.path} is removed (${r.source}); use ${r.use}` });
        continue;
      }
      if (!r.kind || !r.type || !r.key || !KINDS.includes(r.kind)) continue;
      for (const [id, cfg] of Object.entries(doc.components(r.kind))) {
        if (typeOf(id) !== r.type) continue;
        const parts = r.key.split('.');
        if (!hasPath(cfg, parts)) continue;
        out.push({ ...doc.at([r.kind, id, ...parts]), path: `${r.kind}.${id}.${r.key}`, message: `${r.key} is removed from the ${r.type} ${r.kind.slice(0, -1)} (${r.source}); use ${r.use}` });
      }
    }
    return out;
  },
};
