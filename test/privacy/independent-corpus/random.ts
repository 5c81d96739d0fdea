/** A small seeded generator (xorshift32), so the corpus is the same on every run. */
export interface Random {
  next(): number;
  chars(alphabet: string, n: number): string;
  pick<T>(items: readonly T[]): T;
}

export function seeded(seed: number): Random {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  return {
    next,
    chars: (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}
