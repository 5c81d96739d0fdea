import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';

/** `${env:NAME}`, `${NAME}` (the Collector's default scheme is env) and `${env:NAME:-default}`. */
const REFERENCE = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface Expanded {
  value: string;
  /** Variables that are unset or empty and have no default: the value depends on the deployment. */
  unresolved: string[];
}

/**
 * Substitutes environment references the way the Collector's env provider does: an unset variable
 * becomes empty unless a default is given, and `$$` is a literal dollar sign.
 */
export function expandEnv(text: string, env: NodeJS.ProcessEnv): Expanded {
  const unresolved: string[] = [];
  const parts = text.split('$$');
  const value = parts
    .map((part) =>
      part.replace(REFERENCE, (_, name: string, fallback: string | undefined) => {
        const v = env[name];
        if (v !== undefined && v !== '') return v;
        if (fallback !== undefined) return fallback;
        unresolved.push(name);
        return '';
      }),
    )
    .join('$');
  return { value, unresolved };
}

/** References without a default whose variable is unset, in order of appearance. */
export function unsetReferences(text: string, env: NodeJS.ProcessEnv): string[] {
  return expandEnv(text, env).unresolved;
}

/**
 * Reads a dotenv-style file (`NAME=value`, `export NAME=value`, `#` comments, optional quotes).
 * Its values win over the process environment: the file describes the deployment being checked.
 */
export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`--env-file ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); pass an existing NAME=value file`);
  }
  const out: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new UserError(`--env-file ${file}:${i + 1}: expected NAME=value, got "${line.slice(0, 40)}"`);
    out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  });
  return out;
}
