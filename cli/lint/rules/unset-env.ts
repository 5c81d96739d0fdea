import type { LintRule, RuleFinding } from '../rule.js';

const REFERENCE = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g;

export const unsetEnv: LintRule = {
  id: 'unset-env',
  severity: 'warning',
  why: 'the Collector substitutes an unset variable with an empty string, so a password, key or token silently becomes empty',
  check(doc, ctx) {
    const out: RuleFinding[] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (typeof value === 'string') {
        for (const m of value.replaceAll('$$', '').matchAll(REFERENCE)) {
          const name = m[1]!;
          const hasDefault = m[2] !== undefined;
          if (!hasDefault && (ctx.env[name] === undefined || ctx.env[name] === '')) {
            out.push({ line: doc.lineOf(path), path: path.join('.'), message: `\${env:${name}} is not set in this environment; export ${name} before starting the Collector` });
          }
        }
      } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
      else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    walk(doc.config, []);
    return out;
  },
};
