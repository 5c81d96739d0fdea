import type { UsageCategory } from './names.js';

// In-memory usage counters for heartbeats. They are cleared only by `commit` after the endpoint took them
// (2xx), so an outage delays counts instead of losing them; and they are bounded, so an outage that never
// ends costs a fixed amount of memory and payload instead of growing with every distinct name.
//
// At the key cap, new keys are refused ("drop extra") rather than evicting old ones ("drop oldest"):
// the keys already held are the ones seen first and, in practice, most often, and evicting them would
// make every established count wrong to keep a rare one. Refused increments are counted and reported.

export interface CounterLimits {
  /** Distinct (category, name) keys held at once. */
  maxKeys: number;
  /** Sum of all held counts. */
  maxTotal: number;
}

export interface CounterEntry {
  category: UsageCategory;
  name: string;
  count: number;
}

export interface CounterSnapshot {
  entries: readonly CounterEntry[];
  total: number;
  dropped: number;
}

export class BoundedCounters {
  private readonly counts = new Map<string, CounterEntry>();
  private total = 0;
  private dropped = 0;

  constructor(private readonly limits: CounterLimits) {}

  /** Returns how many of the `n` increments were kept. */
  add(category: UsageCategory, name: string, n: number): number {
    const key = `${category}\u0000${name}`;
    let entry = this.counts.get(key);
    if (!entry && this.counts.size >= this.limits.maxKeys) {
      this.dropped += n;
      return 0;
    }
    const kept = Math.max(0, Math.min(n, this.limits.maxTotal - this.total));
    this.dropped += n - kept;
    if (kept === 0) return 0;
    if (!entry) {
      entry = { category, name, count: 0 };
      this.counts.set(key, entry);
    }
    entry.count += kept;
    this.total += kept;
    return kept;
  }

  /** Increments refused before reaching a counter (an invalid name, say). */
  drop(n: number): void {
    this.dropped += n;
  }

  snapshot(): CounterSnapshot {
    return {
      entries: [...this.counts.values()].map((entry) => ({ ...entry })),
      total: this.total,
      dropped: this.dropped,
    };
  }

  /** Forget what a snapshot held, keeping whatever was added while it was being sent. */
  commit(sent: CounterSnapshot): void {
    for (const entry of sent.entries) {
      const key = `${entry.category}\u0000${entry.name}`;
      const current = this.counts.get(key);
      if (!current) continue;
      current.count -= entry.count;
      this.total -= entry.count;
      if (current.count <= 0) this.counts.delete(key);
    }
    this.dropped = Math.max(0, this.dropped - sent.dropped);
  }

  get isEmpty(): boolean {
    return this.counts.size === 0 && this.dropped === 0;
  }
}
