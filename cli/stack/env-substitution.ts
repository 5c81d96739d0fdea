/**
 * `${VAR}` and `${VAR:-default}` references in stack-file strings, resolved at load time.
 * `$${` escapes a literal `${`. Secrets are deliberately not substituted into rendered files:
 * the stack file names the variable (e.g. `passwordEnv`) and the Collector reads it itself.
 */

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const MALFORMED = /\$\{(?![A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\})/;

export type SubstitutionResult = { ok: true; value: string } | { ok: false; message: string };

export function substituteEnv(text: string, env: NodeJS.ProcessEnv): SubstitutionResult {
  const withoutEscapes = text.replaceAll('$${', '');
  if (MALFORMED.test(withoutEscapes)) {
    return { ok: false, message: 'malformed ${...} reference; write ${NAME} or ${NAME:-default} (escape a literal with $${)' };
  }
  const missing: string[] = [];
  const value = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return match;
  });
  if (missing.length > 0) {
    const names = missing.map((n) => `$${n}`).join(', ');
    return { ok: false, message: `${names} is not set; export it or write \${${missing[0]}:-default}` };
  }
  return { ok: true, value };
}
