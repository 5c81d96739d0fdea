import { typeOf } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

export const memoryLimiterFirst: LintRule = {
  id: 'memory-limiter-first',
  severity: 'error',
  why: 'without memory_limiter first, a burst is buffered by other processors until the Collector is killed for memory, losing what it held',
  check({ doc }) {
    const out: RuleFinding[] = [];
    for (const p of doc.pipelines()) {
      const i = p.processors.findIndex((id) => typeOf(id) === 'memory_limiter');
      const path = ['service', 'pipelines', p.id, 'processors'];
      if (i < 0) {
        out.push({ ...doc.at(['service', 'pipelines', p.id]), path: path.join('.'), message: `pipeline ${p.id} has no memory_limiter; add it as the first processor` });
      } else if (i > 0) {
        out.push({ ...doc.at([...path, i]), path: path.join('.'), message: `memory_limiter is processor #${i + 1} in pipeline ${p.id}; move it first` });
      }
    }
    return out;
  },
};
