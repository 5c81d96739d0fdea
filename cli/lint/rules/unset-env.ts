import { unsetReferences } from '../env.js';
import type { LintRule, RuleFinding } from '../rule.js';
import { exposureDependsOnEnv } from './listener-exposed.js';

export const unsetEnv: LintRule = {
  id: 'unset-env',
  severity: 'warning',
  why: 'the Collector substitutes an unset variable with an empty string, so a password, key or token silently becomes empty',
  check({ doc, env, knowledge }) {
    // A listener address whose host is unset is already reported by listener-exposed as
    // "exposure depends on X", which also says to set X: one finding per fact.
    const covered = exposureDependsOnEnv(doc, env, knowledge);
    const out: RuleFinding[] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (typeof value === 'string') {
        const skip = covered.get(path.join('.'));
        for (const name of unsetReferences(value, env)) {
          if (skip?.has(name)) continue;
          out.push({ ...doc.at(path), path: path.join('.'), message: `\${env:${name}} is not set in this environment; export ${name} (or pass --env-file) before starting the Collector` });
        }
      } else if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, [...path, i]);
      else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    walk(doc.config, []);
    return out;
  },
};
