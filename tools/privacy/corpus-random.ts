// A small seeded generator so a corpus is reproducible from its seed alone: a failing item can
// be regenerated and inspected, and two runs with one seed compare equal.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** n characters drawn from alphabet. */
  chars(alphabet: string, n: number): string;
  /** True with probability p. */
  chance(p: number): boolean;
}

function hashSeed(seed: number | string): number {
  // FNV-1a over the decimal or string form, so 1 and "1" give the same stream.
  let h = 0x811c9dc5;
  for (const ch of String(seed)) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: fast, 32-bit state, good enough spread for test data (not for cryptography). */
export function createRandom(seed: number | string): Random {
  let state = hashSeed(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[int(0, items.length - 1)] as T;
  };
  return {
    next,
    int,
    pick,
    chars: (alphabet, n) => {
      let out = '';
      for (let i = 0; i < n; i++) out += alphabet[int(0, alphabet.length - 1)];
      return out;
    },
    chance: (p) => next() < p,
  };
}
