import { createHmac } from 'node:crypto';
import { generateCorpus, type CorpusItem } from '../../tools/privacy/corpus.js';

/**
 * Values planted in telemetry to prove the sanitize chain, from the shared corpus: sensitive texts
 * (with the parts that must never reach storage) and innocent look-alikes (which must arrive unchanged).
 */
export type PlantedKind = 'secret' | 'email' | 'ipv4' | 'ipv6' | 'home' | 'innocent';

export interface Planted {
  id: string;
  kind: PlantedKind;
  /** What is written into an attribute value or a log body. */
  text: string;
  /** Substrings that must not appear anywhere in the output. */
  forbidden: string[];
  /**
   * Short parts of a forbidden value (a home path's user name) that must not appear in the record
   * that carried it; too short to search a whole file for without matching something else by chance.
   */
  forbiddenInRecord: string[];
  /** Substrings of text that must survive unchanged wherever text is stored. */
  innocents: string[];
  /** The secret rule that produced the value, for secrets. */
  ruleId?: string;
}

/** user.id as the chain must store it: HMAC-SHA256 over the raw id, hex, keyed with the key's bytes. */
export function expectedUserIdHash(key: string, raw: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(raw, 'utf8').digest('hex');
}

/** The seed of the corpus; TELEMETRY_STACK_CORPUS_SEED explores others (a failure names its seed). */
export function corpusSeed(): string {
  return process.env['TELEMETRY_STACK_CORPUS_SEED'] || 'sanitize-collector-1';
}

/**
 * A home path's user name on its own must vanish too (a masked `/home/****` is fine, a stray
 * `alice` next to it is not), unless the same word also sits elsewhere in the text by chance.
 */
function homeUserNames(item: CorpusItem): string[] {
  const names: string[] = [];
  for (const home of item.planted) {
    const name = home
      .split(/[\\/]+/)
      .filter(Boolean)
      .pop();
    if (name && !item.text.split(home).join('').includes(name)) names.push(name);
  }
  return names;
}

export function plantedFromCorpus(items: readonly CorpusItem[]): Planted[] {
  return items.map((item, i) => {
    const kind: PlantedKind = item.kind === 'home-path' ? 'home' : item.kind;
    return {
      id: `${kind}-${i}${item.ruleId ? `-${item.ruleId}` : ''}`,
      kind,
      text: item.text,
      forbidden: [...item.planted],
      forbiddenInRecord: kind === 'home' ? homeUserNames(item) : [],
      innocents: [...item.innocents],
      ...(item.ruleId ? { ruleId: item.ruleId } : {}),
    };
  });
}

/** One secret per rule and `perKind` of every other kind, from the shared generator. */
export function plantedCorpus(options: { seed?: string; perRule?: number; perKind?: number } = {}): Planted[] {
  return plantedFromCorpus(generateCorpus({ seed: options.seed ?? corpusSeed(), perRule: options.perRule ?? 1, perKind: options.perKind ?? 20 }));
}
