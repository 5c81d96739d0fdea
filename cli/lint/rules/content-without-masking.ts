import { typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

/** Attribute keys that carry prompt text or tool content (Claude Code and GenAI conventions). */
const CONTENT_KEYS = ['prompt', 'tool_parameters', 'tool_input', 'gen_ai.prompt', 'gen_ai.completion'];

/**
 * A logs pipeline protects content when a redaction processor masks values, or when a processor
 * removes the content keys (an allow-list or explicit deletes naming them), or when the sanitize
 * processor runs with secret masking on.
 */
export const contentWithoutMasking: LintRule = {
  id: 'content-without-masking',
  severity: 'error',
  why: 'Claude Code and GenAI clients can send prompt text and whole tool commands; without masking, secrets typed into them are stored verbatim',
  check(doc) {
    const processors = doc.components('processors');
    const out: RuleFinding[] = [];
    for (const p of doc.pipelines()) {
      if (p.signal !== 'logs') continue;
      const protects = p.processors.some((id) => {
        const cfg = processors[id];
        if (!cfg) return false;
        const type = typeOf(id);
        if (type === 'redaction') {
          const blocked = cfg['blocked_values'];
          return cfg['allow_all_keys'] !== true || (Array.isArray(blocked) && blocked.length > 0);
        }
        const text = JSON.stringify(cfg);
        // The sanitize processor deletes what no source allows; what a source allows it masks
        // unless secret masking is turned off.
        if (type === 'sanitize') {
          const secrets = cfg['secrets'] as { enabled?: unknown } | undefined;
          return secrets?.enabled !== false || !CONTENT_KEYS.some((k) => JSON.stringify(cfg['sources'] ?? []).includes(JSON.stringify(k)));
        }
        if (type === 'transform') return text.includes('keep_keys') || CONTENT_KEYS.some((k) => text.includes(`delete_key`) && text.includes(k));
        if (type === 'attributes') return CONTENT_KEYS.some((k) => text.includes(k));
        return false;
      });
      if (!protects) {
        out.push({ line: doc.lineOf(['service', 'pipelines', p.id]), path: `service.pipelines.${p.id}`, message: `logs pipeline ${p.id} passes prompt and tool content (${CONTENT_KEYS.slice(0, 3).join(', ')}) with no masking processor; add a redaction processor or delete those keys` });
      }
    }
    return out;
  },
};
