import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { secretsConfigDir } from './secret-paths.js';
import { SecretRulesError } from './secret-rules.js';
import { YamlReader } from './secret-yaml.js';

/**
 * Values no secret rule may match: the look-alikes (hashes, ids, base64, key-like words)
 * that telemetry and prompts carry every day.
 */
export interface InnocentGroup {
  readonly category: string;
  /** Why these values tempt a secret pattern. */
  readonly why: string;
  readonly values: readonly string[];
}

export function defaultInnocentsPath(): string {
  const dir = secretsConfigDir();
  if (dir === undefined) throw new SecretRulesError('innocents.yaml', ['no package.json above the secret-rules module, so configs/secrets/ cannot be located']);
  return join(dir, 'innocents.yaml');
}

/** Parses and validates an innocents document; never throws. */
export function parseSecretInnocents(source: string, file: string): { groups: InnocentGroup[]; problems: string[] } {
  const r = new YamlReader(file, source);
  const groups: InnocentGroup[] = [];
  if (r.root === undefined) return { groups, problems: r.problems };
  const top = r.entries(r.root, '(top)', ['version', 'innocents']);
  if (top === undefined) return { groups, problems: r.problems };
  const versionNode = r.required(top, 'version', r.root, '(top)');
  if (versionNode !== undefined && r.number(versionNode) !== 1) r.report(versionNode, 'version', 'must be 1');
  const items = r.items(r.required(top, 'innocents', r.root, '(top)'), 'innocents');
  items?.forEach((item, i) => {
    const path = `innocents[${i}]`;
    const entries = r.entries(item, path, ['category', 'why', 'values']);
    if (entries === undefined) return;
    const category = r.string(r.required(entries, 'category', item, path), `${path}.category`);
    const why = r.string(r.required(entries, 'why', item, path), `${path}.why`);
    const values = r.strings(r.required(entries, 'values', item, path), `${path}.values`);
    if (category !== undefined && why !== undefined && values !== undefined) groups.push({ category, why, values });
  });
  return { groups, problems: r.problems };
}

/** Loads configs/secrets/innocents.yaml (or path); throws SecretRulesError listing every problem. */
export function loadSecretInnocents(path?: string): InnocentGroup[] {
  const file = path ?? defaultInnocentsPath();
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecretRulesError(file, [`cannot read: ${(error as Error).message}`]);
  }
  const { groups, problems } = parseSecretInnocents(source, file);
  if (problems.length > 0) throw new SecretRulesError(file, problems);
  return groups;
}
