import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { goPatterns } from './secret-casing.js';
import { parseGenerateTemplate } from './secret-generate.js';
import { secretsConfigDir } from './secret-paths.js';
import { portabilityProblems, toJsRegExp } from './secret-regex.js';
import { YamlReader } from './secret-yaml.js';

/**
 * value: the regex matches the secret and nothing else.
 * match: the regex also takes the key, header or scheme that marks the secret (RE2 has no
 * lookbehind), so that context is masked along with it.
 */
export type SecretMask = 'value' | 'match';

export interface SecretSample {
  /** The text the rule is run on. */
  readonly text: string;
  /** The part of text that must be masked; equal to text when the sample is a bare secret. */
  readonly secret: string;
}

export interface SecretRule {
  readonly id: string;
  readonly description: string;
  /**
   * RE2 patterns as written in the rules file, each also read the same way as a JavaScript RegExp
   * (see secret-regex.ts); the rule matches where any of them matches.
   */
  readonly regexes: readonly string[];
  /** What the Collector runs for this rule: the regexes, (?i) ones spelled out (secret-casing.ts). */
  readonly patterns: readonly string[];
  /** Lower-case strings, one of which appears wherever the rule can match; may be empty. */
  readonly keywords: readonly string[];
  readonly masks: SecretMask;
  /** Templates of the credential's shape (see secret-generate.ts); at least one. */
  readonly generate: readonly string[];
  readonly samples: {
    readonly positive: readonly SecretSample[];
    readonly negative: readonly string[];
  };
}

export const SECRET_RULES_VERSION = 1;
const MIN_SAMPLES = 2;
const RULE_KEYS = ['id', 'description', 'regex', 'keywords', 'masks', 'generate', 'samples'] as const;
const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Thrown by loadSecretRules with every problem found, one per line of the message. */
export class SecretRulesError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.join('\n')}`);
    this.name = 'SecretRulesError';
  }
}

export function defaultSecretRulesPath(): string {
  const dir = secretsConfigDir();
  if (dir === undefined) throw new SecretRulesError('rules.yaml', ['no package.json above the secret-rules module, so configs/secrets/ cannot be located']);
  return join(dir, 'rules.yaml');
}

function checkRegex(r: YamlReader, node: unknown, path: string, regex: string): void {
  for (const problem of portabilityProblems(regex)) r.report(node, path, problem);
  let compiled: RegExp;
  try {
    compiled = toJsRegExp(regex);
  } catch (error) {
    r.report(node, path, `does not compile: ${(error as Error).message}`);
    return;
  }
  // A pattern that can match the empty string makes ReplaceAll insert a mask between every character.
  if (compiled.test('')) r.report(node, path, 'matches the empty string');
}

function readSamples(r: YamlReader, node: unknown, path: string): SecretRule['samples'] | undefined {
  const entries = r.entries(node, path, ['positive', 'negative']);
  if (entries === undefined) return undefined;
  const positiveNodes = r.items(r.required(entries, 'positive', node, path), `${path}.positive`);
  const negative = r.strings(r.required(entries, 'negative', node, path), `${path}.negative`);
  const positive: SecretSample[] = [];
  let complete = positiveNodes !== undefined;
  positiveNodes?.forEach((item, i) => {
    const itemPath = `${path}.positive[${i}]`;
    const bare = r.peekString(item);
    if (bare !== undefined) {
      if (bare.length === 0) {
        r.report(item, itemPath, 'must not be empty');
        complete = false;
      } else positive.push({ text: bare, secret: bare });
      return;
    }
    const fields = r.entries(item, itemPath, ['text', 'secret']);
    const text = fields && r.string(r.required(fields, 'text', item, itemPath), `${itemPath}.text`);
    const secret = fields && r.string(r.required(fields, 'secret', item, itemPath), `${itemPath}.secret`);
    if (text === undefined || secret === undefined) complete = false;
    else if (!text.includes(secret)) {
      r.report(item, `${itemPath}.secret`, 'is not part of text');
      complete = false;
    } else positive.push({ text, secret });
  });
  if (positiveNodes !== undefined && positiveNodes.length < MIN_SAMPLES) r.report(node, `${path}.positive`, `needs at least ${MIN_SAMPLES} samples`);
  if (negative !== undefined && negative.length < MIN_SAMPLES) r.report(node, `${path}.negative`, `needs at least ${MIN_SAMPLES} samples`);
  if (!complete || negative === undefined) return undefined;
  return { positive, negative };
}

/** A field written as one string or a list of them; a problem when the list is empty. */
function oneOrMore(r: YamlReader, node: unknown, path: string, what: string): string[] | undefined {
  if (node === undefined) return undefined;
  const single = r.peekString(node);
  const values = single !== undefined ? [single] : r.strings(node, path);
  if (values !== undefined && values.length === 0) r.report(node, path, `needs at least one ${what}`);
  return values;
}

function readRule(r: YamlReader, node: unknown, path: string, seen: Map<string, string>): SecretRule | undefined {
  const problemsBefore = r.problems.length;
  const entries = r.entries(node, path, RULE_KEYS);
  if (entries === undefined) return undefined;
  const idNode = r.required(entries, 'id', node, path);
  const id = r.string(idNode, `${path}.id`);
  if (id !== undefined) {
    if (!ID_PATTERN.test(id)) r.report(idNode, `${path}.id`, `"${id}" is not kebab-case`);
    const first = seen.get(id);
    if (first !== undefined) r.report(idNode, `${path}.id`, `duplicate id "${id}" (first at ${first})`);
    else seen.set(id, path);
  }
  const at = id === undefined ? path : `${path} (${id})`;
  const description = r.string(r.required(entries, 'description', node, at), `${at}.description`);
  const regexNode = r.required(entries, 'regex', node, at);
  const regexes = oneOrMore(r, regexNode, `${at}.regex`, 'pattern');
  for (const regex of regexes ?? []) {
    checkRegex(r, regexNode, `${at}.regex`, regex);
    for (const pattern of goPatterns(regex)) if (pattern !== regex) checkRegex(r, regexNode, `${at}.regex (as run)`, pattern);
  }

  let keywords: string[] | undefined = [];
  if (entries.has('keywords')) {
    keywords = r.strings(entries.get('keywords'), `${at}.keywords`);
    for (const k of keywords ?? []) {
      if (k !== k.toLowerCase()) r.report(entries.get('keywords'), `${at}.keywords`, `"${k}" must be lower case`);
    }
  }

  const masksNode = r.required(entries, 'masks', node, at);
  const masks = r.string(masksNode, `${at}.masks`);
  if (masks !== undefined && masks !== 'value' && masks !== 'match') r.report(masksNode, `${at}.masks`, `must be "value" or "match", not "${masks}"`);

  const generateNode = r.required(entries, 'generate', node, at);
  const generate = oneOrMore(r, generateNode, `${at}.generate`, 'template');
  for (const template of generate ?? []) {
    if (template.length === 0) r.report(generateNode, `${at}.generate`, 'templates must not be empty');
    for (const problem of parseGenerateTemplate(template).problems) r.report(generateNode, `${at}.generate`, problem);
  }

  const samples = readSamples(r, r.required(entries, 'samples', node, at), `${at}.samples`);
  // Only a rule without problems is returned, so a caller that renders what parsed never ships
  // a pattern that failed a check.
  if (
    r.problems.length > problemsBefore ||
    id === undefined ||
    description === undefined ||
    regexes === undefined ||
    keywords === undefined ||
    (masks !== 'value' && masks !== 'match') ||
    generate === undefined ||
    samples === undefined
  ) {
    return undefined;
  }
  return { id, description, regexes, patterns: regexes.flatMap(goPatterns), keywords, masks, generate, samples };
}

/**
 * Parses and validates a rules document. Never throws: every problem is returned, each as
 * "file:line: path: message".
 */
export function parseSecretRules(source: string, file: string): { rules: SecretRule[]; problems: string[] } {
  const r = new YamlReader(file, source);
  const rules: SecretRule[] = [];
  if (r.root === undefined) return { rules, problems: r.problems };
  const top = r.entries(r.root, '(top)', ['version', 'rules']);
  if (top === undefined) return { rules, problems: r.problems };
  const versionNode = r.required(top, 'version', r.root, '(top)');
  const version = r.number(versionNode);
  if (versionNode !== undefined && version !== SECRET_RULES_VERSION) {
    r.report(versionNode, 'version', `must be ${SECRET_RULES_VERSION}`);
  }
  const items = r.items(r.required(top, 'rules', r.root, '(top)'), 'rules');
  const seen = new Map<string, string>();
  items?.forEach((item, i) => {
    const rule = readRule(r, item, `rules[${i}]`, seen);
    if (rule !== undefined) rules.push(rule);
  });
  return { rules, problems: r.problems };
}

/**
 * Loads and validates the secret rules (by default configs/secrets/rules.yaml of this
 * package). Throws SecretRulesError listing every problem, so one run shows all fixes needed.
 */
export function loadSecretRules(path?: string): SecretRule[] {
  const file = path ?? defaultSecretRulesPath();
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecretRulesError(file, [`cannot read: ${(error as Error).message}`]);
  }
  const { rules, problems } = parseSecretRules(source, file);
  if (problems.length > 0) throw new SecretRulesError(file, problems);
  return rules;
}

/** The patterns for the redaction processor's blocked_values, in rule order. */
export function secretPatterns(rules: readonly SecretRule[]): string[] {
  return rules.flatMap((rule) => rule.patterns);
}
