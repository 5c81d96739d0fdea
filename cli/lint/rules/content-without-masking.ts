import { typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

/** Attribute keys that carry prompt text or tool content (Claude Code and GenAI conventions). */
const CONTENT_KEYS = ['prompt', 'tool_parameters', 'tool_input', 'gen_ai.prompt', 'gen_ai.completion'];
/** Receivers GenAI SDKs and Claude Code send to: OTLP over gRPC or HTTP. */
const OTLP_RECEIVERS = new Set(['otlp']);
/** Exporters that keep nothing (tests, troubleshooting): content passing them is not stored. */
const NOT_STORAGE = new Set(['debug', 'nop']);
/** Words in a config that say GenAI or Claude Code telemetry is expected. */
const GENAI_SIGNAL = /claude[_-]?code|gen_ai\.|\bgenai\b|\bllm\b|tool_parameters|tool_input|\bprompt\b/i;

/**
 * Fires where prompt or tool content can actually arrive and be kept: a logs pipeline that takes
 * OTLP and writes to storage, in a config that names GenAI or Claude Code telemetry. File and pod
 * log pipelines, and configs with no sign of GenAI sources, stay quiet.
 *
 * A logs pipeline protects content when a redaction processor masks values, or when a processor
 * removes the content keys (an allow-list or explicit deletes naming them), or when the sanitize
 * processor runs with secret masking on.
 */
export const contentWithoutMasking: LintRule = {
  id: 'content-without-masking',
  severity: 'error',
  why: 'Claude Code and GenAI clients can send prompt text and whole tool commands; without masking, secrets typed into them are stored verbatim',
  check({ doc }) {
    const processors = doc.components('processors');
    if (!GENAI_SIGNAL.test(JSON.stringify(doc.config))) return [];
    const out: RuleFinding[] = [];
    for (const p of doc.pipelines()) {
      if (p.signal !== 'logs') continue;
      if (!p.receivers.some((id) => OTLP_RECEIVERS.has(typeOf(id)))) continue;
      if (!p.exporters.some((id) => !NOT_STORAGE.has(typeOf(id)))) continue;
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
        out.push({
          ...doc.at(['service', 'pipelines', p.id]),
          path: `service.pipelines.${p.id}`,
          message: `logs pipeline ${p.id} takes OTLP from GenAI or Claude Code sources and stores prompt and tool content (${CONTENT_KEYS.slice(0, 3).join(', ')}) with no masking processor; add a redaction processor or delete those keys`,
        });
      }
    }
    return out;
  },
};
