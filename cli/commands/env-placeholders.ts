/**
 * `otelcol validate` needs every `${env:X}` to hold a plausible value (an empty hmac_key or
 * bearer token fails validation). For a dry check, unset variables get a 64-character
 * placeholder; set ones are left as they are.
 */
export function envPlaceholders(configText: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of configText.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    const name = m[1]!;
    if (!env[name]) out[name] = 'validate-placeholder-'.padEnd(64, 'x');
  }
  return out;
}
