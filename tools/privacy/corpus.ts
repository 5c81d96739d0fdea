// A deterministic corpus for proving the sanitize chain: texts with planted secrets and personal
// data (what must vanish) next to look-alikes (what must survive). Secrets are generated fresh
// from each rule's published shape, not copied from its samples, so the corpus tests the rules
// on values their author never saw. One seed always yields the same corpus.

import { INNOCENT_GENERATORS } from './corpus-innocents.js';
import { email, homePath, ipv4, ipv6 } from './corpus-pii.js';
import { createRandom } from './corpus-random.js';
import type { Random } from './corpus-random.js';
import { EMAIL_TEMPLATES, HOME_PATH_TEMPLATES, INNOCENT_TEMPLATES, IPV4_TEMPLATES, IPV6_TEMPLATES, STATEMENT_TEMPLATES, TOKEN_TEMPLATES } from './corpus-templates.js';
import type { CorpusTemplate } from './corpus-templates.js';
import { parseGenerateTemplate, renderGenerateTemplate } from './secret-generate.js';
import { loadSecretRules } from './secret-rules.js';
import type { SecretRule } from './secret-rules.js';

export type CorpusKind = 'secret' | 'innocent' | 'email' | 'ipv4' | 'ipv6' | 'home-path';

export interface CorpusItem {
  readonly text: string;
  readonly kind: CorpusKind;
  /** Exact substrings of text that must not survive sanitizing. */
  readonly planted: readonly string[];
  /** Exact substrings of text that must survive sanitizing unchanged. */
  readonly innocents: readonly string[];
  /** For secret items, the rule whose shape produced the secret. */
  readonly ruleId?: string;
}

export interface CorpusOptions {
  readonly seed: number | string;
  /** Secret items per rule. */
  readonly perRule: number;
  /** Items of each other kind (innocent, email, ipv4, ipv6, home-path); default 20. */
  readonly perKind?: number;
  /** Rules to draw secrets from; default the package's configs/secrets/rules.yaml. */
  readonly rules?: readonly SecretRule[];
}

const DEFAULT_PER_KIND = 20;

function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

interface Filled {
  readonly text: string;
  readonly innocents: string[];
  /** Planted values as they appear in text (escaped in JSON templates). */
  readonly planted: string[];
}

/**
 * Fills a template. `plantedValues` are the values that must vanish; every other placeholder
 * draws a fresh innocent.
 */
function fill(template: CorpusTemplate, rng: Random, plantedValues: Readonly<Record<string, string>>, literals: Readonly<Record<string, string>> = {}): Filled {
  const escapeValue = template.json === true ? jsonEscape : (v: string): string => v;
  const chosen = new Map<string, string>();
  const innocents: string[] = [];
  const planted: string[] = [];
  const text = template.text.replace(/\{([a-z0-9]+|\/)\}/g, (_, name: string) => {
    let value = chosen.get(name);
    if (value === undefined) {
      const plantedValue = plantedValues[name];
      const literal = literals[name];
      const generator = INNOCENT_GENERATORS[name];
      if (plantedValue !== undefined) {
        value = escapeValue(plantedValue);
        planted.push(value);
      } else if (literal !== undefined) {
        value = escapeValue(literal);
      } else if (generator !== undefined) {
        value = escapeValue(generator(rng));
        innocents.push(value);
      } else {
        throw new Error(`corpus template uses unknown placeholder {${name}}: ${template.text}`);
      }
      chosen.set(name, value);
    }
    return value;
  });
  return { text, innocents, planted };
}

function secretItems(rule: SecretRule, count: number, rng: Random): CorpusItem[] {
  const shapes = rule.generate.map((t) => parseGenerateTemplate(t).parts);
  const templates = rule.masks === 'value' ? TOKEN_TEMPLATES : STATEMENT_TEMPLATES;
  return Array.from({ length: count }, () => {
    const generated = renderGenerateTemplate(rng.pick(shapes), rng);
    const template = rng.pick(templates);
    // The generated text goes in whole; what must vanish is the secret inside it.
    const filled = fill(template, rng, { secret: generated.text });
    const planted = template.json === true ? jsonEscape(generated.secret) : generated.secret;
    return { text: filled.text, kind: 'secret' as const, planted: [planted], innocents: filled.innocents, ruleId: rule.id };
  });
}

function piiItems(kind: Exclude<CorpusKind, 'secret' | 'innocent'>, count: number, rng: Random): CorpusItem[] {
  return Array.from({ length: count }, () => {
    let filled: Filled;
    switch (kind) {
      case 'email':
        filled = fill(rng.pick(EMAIL_TEMPLATES), rng, { email: email(rng) });
        break;
      case 'ipv4':
        filled = fill(rng.pick(IPV4_TEMPLATES), rng, { ipv4: ipv4(rng) });
        break;
      case 'ipv6':
        filled = fill(rng.pick(IPV6_TEMPLATES), rng, { ipv6: ipv6(rng) });
        break;
      case 'home-path': {
        const home = homePath(rng);
        filled = fill(rng.pick(HOME_PATH_TEMPLATES), rng, { home: home.home }, { '/': home.sep });
        break;
      }
    }
    return { text: filled.text, kind, planted: filled.planted, innocents: filled.innocents };
  });
}

export function generateCorpus(options: CorpusOptions): CorpusItem[] {
  const perKind = options.perKind ?? DEFAULT_PER_KIND;
  for (const [name, value] of [
    ['perRule', options.perRule],
    ['perKind', perKind],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, not ${value}`);
  }
  const rules = options.rules ?? loadSecretRules();
  const rng = createRandom(options.seed);
  const items: CorpusItem[] = [];
  for (const rule of rules) items.push(...secretItems(rule, options.perRule, rng));
  for (let i = 0; i < perKind; i++) {
    const filled = fill(rng.pick(INNOCENT_TEMPLATES), rng, {});
    items.push({ text: filled.text, kind: 'innocent', planted: [], innocents: filled.innocents });
  }
  for (const kind of ['email', 'ipv4', 'ipv6', 'home-path'] as const) items.push(...piiItems(kind, perKind, rng));
  return items;
}
