// Fresh look-alikes for the corpus: values that telemetry carries every day and that resemble
// secrets (long hex, UUIDs, base64, dotted versions). They must come through redaction unchanged;
// configs/secrets/innocents.yaml holds the fixed list, this makes new ones per seed.

import { createHash } from 'node:crypto';

import type { Random } from './corpus-random.js';
import { CLASSES, WORDS } from './secret-generate.js';

const HEX = '0123456789abcdef';
const ALNUM = CLASSES.alnum ?? '';

const MODELS = [
  'claude-sonnet-4-5-20250929',
  'claude-opus-4-1-20250805',
  'claude-3-5-haiku-20241022',
  'claude-haiku-4-5',
  'claude-sonnet-4-20250514',
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'claude-sonnet-4-5@20250929',
] as const;

const FILES = [
  'src/index.ts',
  'src/cli/main.ts',
  'lib/parser.py',
  'internal/server/handler.go',
  'package.json',
  'README.md',
  'docs/architecture.md',
  'test/fixtures/session.json',
  'scripts/release.sh',
  'Cargo.toml',
] as const;

const SENTENCE_WORDS = ['the', 'build', 'passed', 'after', 'retry', 'please', 'review', 'this', 'change', 'today', 'release', 'notes', ...WORDS];

function hex(rng: Random, n: number): string {
  return rng.chars(HEX, n);
}

function uuid(rng: Random): string {
  return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(rng, 3)}-${hex(rng, 12)}`;
}

function sentence(rng: Random, words: number): string {
  return Array.from({ length: words }, () => rng.pick(SENTENCE_WORDS)).join(' ');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Innocent generators by placeholder name, as used in corpus templates ({sha}, {uuid}, ...). */
export const INNOCENT_GENERATORS: Readonly<Record<string, (rng: Random) => string>> = {
  sha: (rng) => hex(rng, 40),
  shortsha: (rng) => hex(rng, rng.int(7, 12)),
  uuid,
  session: uuid,
  sha256: (rng) => createHash('sha256').update(sentence(rng, 6)).digest('hex'),
  integrity: (rng) => `sha512-${createHash('sha512').update(sentence(rng, 5)).digest('base64')}`,
  b64: (rng) => Buffer.from(sentence(rng, rng.int(2, 8))).toString('base64'),
  model: (rng) => rng.pick(MODELS),
  cost: (rng) => (rng.int(1, 999_999) / 10 ** rng.int(4, 6)).toString(),
  semver: (rng) => `${rng.pick(['', 'v'])}${rng.int(0, 12)}.${rng.int(0, 40)}.${rng.int(0, 300)}${rng.pick(['', '', `-rc.${rng.int(1, 9)}`, `-beta.${rng.int(1, 9)}`])}`,
  ts: (rng) =>
    `20${rng.int(24, 26)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}T${pad2(rng.int(0, 23))}:${pad2(rng.int(0, 59))}:${pad2(rng.int(0, 59))}.${String(rng.int(0, 999)).padStart(3, '0')}Z`,
  reqid: (rng) => `req_011C${rng.chars(ALNUM, 22)}`,
  toolid: (rng) => `toolu_01${rng.chars(ALNUM, 22)}`,
  traceid: (rng) => hex(rng, 32),
  spanid: (rng) => hex(rng, 16),
  file: (rng) => rng.pick(FILES),
  tokens: (rng) => String(rng.int(1, 200_000)),
};

export const INNOCENT_PLACEHOLDERS: readonly string[] = Object.keys(INNOCENT_GENERATORS);
