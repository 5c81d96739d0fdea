// A rule's `generate` field restates the credential's published shape (prefix, alphabet,
// lengths) independently of its regex. The corpus draws fresh values from it, and the tests
// require the regex to match every value it produces: two descriptions of one format that
// must agree catch mistakes that samples copied from the regex would not.
//
// Syntax: literal text with {{...}} tokens:
//   {{class:n}} {{class:min-max}}  characters from a named alphabet (CLASSES below)
//   {{pick:a|b|c}}                 one literal alternative (may be empty)
//   {{uuid}}                       a lower-case version-4 UUID
//   {{word}}                       a lower-case English word
//   {{[}} ... {{]}}                marks the secret when the template adds context around it

import type { Random } from './corpus-random.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

export const CLASSES: Readonly<Record<string, string>> = {
  alnum: UPPER + LOWER + DIGITS,
  alpha: UPPER + LOWER,
  upper: UPPER,
  lower: LOWER,
  digit: DIGITS,
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  b32: UPPER + '234567',
  b64: UPPER + LOWER + DIGITS + '+/',
  b64url: UPPER + LOWER + DIGITS + '-_',
  ualnum: UPPER + DIGITS,
  lalnum: LOWER + DIGITS,
  bech32: 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'.toUpperCase(),
};

// Five letters or more, so a word plus a couple of digits still clears the generic rules'
// minimum lengths.
export const WORDS: readonly string[] = [
  'amber',
  'basil',
  'cedar',
  'delta',
  'ember',
  'falcon',
  'garnet',
  'harbor',
  'island',
  'juniper',
  'kettle',
  'lantern',
  'meadow',
  'nectar',
  'orchid',
  'pepper',
  'quartz',
  'raven',
  'saffron',
  'thistle',
  'umber',
  'velvet',
  'willow',
  'yarrow',
  'zephyr',
  'copper',
  'marble',
  'pebble',
  'summit',
  'timber',
];

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'class'; readonly alphabet: string; readonly min: number; readonly max: number }
  | { readonly kind: 'pick'; readonly options: readonly string[] }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'word' }
  | { readonly kind: 'secret-start' }
  | { readonly kind: 'secret-end' };

export interface ParsedTemplate {
  readonly parts: readonly TemplatePart[];
  readonly problems: readonly string[];
}

function parseToken(body: string): TemplatePart | string {
  if (body === '[') return { kind: 'secret-start' };
  if (body === ']') return { kind: 'secret-end' };
  if (body === 'uuid') return { kind: 'uuid' };
  if (body === 'word') return { kind: 'word' };
  if (body.startsWith('pick:')) return { kind: 'pick', options: body.slice('pick:'.length).split('|') };
  const m = /^([A-Za-z0-9]+):(\d+)(?:-(\d+))?$/.exec(body);
  if (m === null) return `unknown token {{${body}}}`;
  const [, name = '', low = '', high] = m;
  const alphabet = CLASSES[name];
  if (alphabet === undefined) return `unknown class "${name}" in {{${body}}} (known: ${Object.keys(CLASSES).join(', ')})`;
  const min = Number(low);
  const max = high === undefined ? min : Number(high);
  if (min < 1 || max < min) return `bad length in {{${body}}}`;
  return { kind: 'class', alphabet, min, max };
}

export function parseGenerateTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const problems: string[] = [];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      parts.push({ kind: 'text', text: rest });
      break;
    }
    if (open > 0) parts.push({ kind: 'text', text: rest.slice(0, open) });
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) {
      problems.push(`unclosed {{ in "${template}"`);
      break;
    }
    const token = parseToken(rest.slice(open + 2, close));
    if (typeof token === 'string') problems.push(token);
    else parts.push(token);
    rest = rest.slice(close + 2);
  }
  const starts = parts.filter((p) => p.kind === 'secret-start').length;
  const ends = parts.filter((p) => p.kind === 'secret-end').length;
  const startIndex = parts.findIndex((p) => p.kind === 'secret-start');
  const endIndex = parts.findIndex((p) => p.kind === 'secret-end');
  if (starts > 1 || ends > 1 || starts !== ends || (starts === 1 && endIndex < startIndex)) {
    problems.push('{{[}} and {{]}} must appear once each, in that order, or not at all');
  }
  return { parts, problems };
}

export interface GeneratedSecret {
  /** The whole generated string, context included. */
  readonly text: string;
  /** The credential itself: the part between {{[}} and {{]}}, or all of text. */
  readonly secret: string;
}

function uuid(rng: Random): string {
  const hex = CLASSES.hex ?? '';
  const variant = rng.pick(['8', '9', 'a', 'b']);
  return `${rng.chars(hex, 8)}-${rng.chars(hex, 4)}-4${rng.chars(hex, 3)}-${variant}${rng.chars(hex, 3)}-${rng.chars(hex, 12)}`;
}

export function renderGenerateTemplate(parts: readonly TemplatePart[], rng: Random): GeneratedSecret {
  let text = '';
  let start = -1;
  let end = -1;
  for (const part of parts) {
    switch (part.kind) {
      case 'text':
        text += part.text;
        break;
      case 'class':
        text += rng.chars(part.alphabet, rng.int(part.min, part.max));
        break;
      case 'pick':
        text += rng.pick(part.options);
        break;
      case 'uuid':
        text += uuid(rng);
        break;
      case 'word':
        text += rng.pick(WORDS);
        break;
      case 'secret-start':
        start = text.length;
        break;
      case 'secret-end':
        end = text.length;
        break;
    }
  }
  const secret = start >= 0 && end >= start ? text.slice(start, end) : text;
  return { text, secret };
}
