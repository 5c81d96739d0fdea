import type { Canary } from './canary.js';

/** A canary as storage returned it: the body and every attribute, flattened to strings. */
export interface StoredCanary {
  body: string;
  attributes: Record<string, string>;
  /** Everything stored for the record, serialized: a planted value must appear nowhere in it. */
  raw: string;
}

export interface ProbeResult {
  ok: boolean;
  detail: string;
  hint?: string;
}

/** What verify needs from a storage backend; ClickHouse (server and embedded) and Loki implement it. */
export interface StorageProbe {
  /** Answers, and holds what the stack needs (tables, or Loki readiness). */
  check(): Promise<ProbeResult>;
  /** Signals the canary is sent as; Loki stores logs only. */
  signals: readonly ('logs' | 'metrics')[];
  /** The stored canary log once it is there (undefined while not yet), and whether its metric is. */
  findCanary(canary: Canary): Promise<{ log?: StoredCanary; metric: boolean }>;
  retention(): Promise<ProbeResult>;
  /** Attribute name a user id is stored under (Loki turns dots into underscores). */
  userIdKey: string;
  close(): Promise<void>;
}
