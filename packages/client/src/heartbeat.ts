import { bucket } from './bucket.js';
import { BoundedCounters, type CounterEntry } from './counters.js';
import type { LogEvent } from './encode.js';
import { safeLog } from './logger.js';
import {
  ATTR_EVENT_NAME,
  ATTR_HEARTBEAT_DROPPED,
  ATTR_HEARTBEAT_SIZE_PREFIX,
  ATTR_USAGE_CATEGORY,
  ATTR_USAGE_COUNT,
  ATTR_USAGE_NAME,
  EVENT_HEARTBEAT,
  EVENT_USAGE,
  RESOURCE_INSTANCE_ID,
  USAGE_CATEGORIES,
  type UsageCategory,
} from './names.js';
import type { SenderOptions } from './options.js';
import type { SendResult } from './result.js';
import { requestBase, resolveEndpoint, telemetryContext, type TelemetryContext } from './settings.js';
import { sanitizeVerb } from './verb.js';

// Heartbeat mode, for long-running products (a server, a desktop app): usage is counted in memory and
// sent on an interval, instead of one event per action.
//
// Encoding: OTLP logs again, not delta sum metrics, though the data is counts. One `cli.heartbeat` record
// per flush (liveness, drops, bucketed sizes) plus one `cli.usage` record per counter key carrying the
// delta since the last accepted flush in `usage.count`. Reasons: Loki, one of the stack's storages,
// accepts only logs; the Collector's sanitize chain and the storage schema then handle one signal for the
// whole client; summing `usage.count` over rows gives the same totals a delta sum would; and the client
// keeps one request shape to encode (encode.ts). Counts are deltas and cleared only on 2xx, so delivery is
// at-least-once: an answer lost after the Collector accepted a flush sends those counts again.

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 60 * 60 * 1000;
export const MIN_HEARTBEAT_INTERVAL_MS = 100;
export const DEFAULT_MAX_KEYS = 200;
export const DEFAULT_MAX_TOTAL = 1_000_000;
const MAX_SIZES = 20;

const COUNTER_NAME = /^[A-Za-z][A-Za-z0-9_-]*(?:[.:][A-Za-z0-9_-]+)*$/;
const SIZE_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const MAX_NAME_LENGTH = 64;

export interface HeartbeatOptions extends SenderOptions {
  /** Default one hour. */
  intervalMs?: number;
  /** Default: a random id persisted next to the config file. */
  instanceId?: string;
  /** Distinct (category, name) keys held while sends fail. Default 200. */
  maxKeys?: number;
  /** Total increments held while sends fail. Default 1,000,000. */
  maxTotal?: number;
  /** Flush on `beforeExit`. Default true. A server that exits on a signal should call `shutdown()`. */
  flushOnExit?: boolean;
}

export interface HeartbeatPending {
  entries: readonly CounterEntry[];
  total: number;
  dropped: number;
}

export interface Heartbeat {
  /** Whether consent allowed counting; when false every method is a no-op. */
  readonly enabled: boolean;
  /** Counts `n` (default 1) uses of `name` in `category`. `api`/`ui` names: `users.list`; `command`: a verb path. */
  count(category: UsageCategory, name: string, n?: number): void;
  /** Records a size (users, projects); only its bucket is sent. */
  setSize(name: string, value: number): void;
  /** Sends now. Counters are cleared only when the endpoint answers 2xx. Never rejects. */
  flush(): Promise<SendResult>;
  /** Stops the timer and the exit hook, sends what is held, and ignores later counts. */
  shutdown(): Promise<SendResult>;
  /** What is held and not yet accepted, for status output and tests. */
  pending(): HeartbeatPending;
}

function cleanCounterName(category: UsageCategory, name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  if (category === 'command') return sanitizeVerb(name);
  return name.length <= MAX_NAME_LENGTH && COUNTER_NAME.test(name) ? name : undefined;
}

function positiveInt(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

class ActiveHeartbeat implements Heartbeat {
  readonly enabled = true;
  private readonly counters: BoundedCounters;
  private readonly sizes = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly onBeforeExit: (() => void) | undefined;
  private inflight: Promise<SendResult> | undefined;
  private instanceId: string | undefined;
  private closed = false;

  constructor(
    private readonly options: HeartbeatOptions,
    private readonly context: TelemetryContext,
  ) {
    this.counters = new BoundedCounters({
      maxKeys: positiveInt(options.maxKeys, DEFAULT_MAX_KEYS),
      maxTotal: positiveInt(options.maxTotal, DEFAULT_MAX_TOTAL),
    });
    const interval = Math.max(
      MIN_HEARTBEAT_INTERVAL_MS,
      positiveInt(options.intervalMs, DEFAULT_HEARTBEAT_INTERVAL_MS),
    );
    // unref: a heartbeat must never be the reason a host process stays up.
    this.timer = setInterval(() => void this.flush(), interval);
    this.timer.unref();
    if (options.flushOnExit !== false) {
      // `once`: the flush itself keeps the loop busy, after which beforeExit fires again; a second
      // flush there would retry a failing endpoint forever and the host would never exit.
      this.onBeforeExit = () => {
        if (!this.closed && !this.counters.isEmpty) void this.flush();
      };
      process.once('beforeExit', this.onBeforeExit);
    }
  }

  count(category: UsageCategory, name: string, n = 1): void {
    try {
      if (this.closed) return;
      const amount = Number.isInteger(n) && n > 0 ? n : 0;
      if (amount === 0) return;
      const clean = USAGE_CATEGORIES.includes(category) ? cleanCounterName(category, name) : undefined;
      if (clean === undefined) this.counters.drop(amount);
      else this.counters.add(category, clean, amount);
    } catch {
      // Counting must never break the host's request path.
    }
  }

  setSize(name: string, value: number): void {
    if (this.closed || typeof name !== 'string' || !SIZE_NAME.test(name)) return;
    if (!this.sizes.has(name) && this.sizes.size >= MAX_SIZES) return;
    if (typeof value === 'number') this.sizes.set(name, value);
  }

  flush(): Promise<SendResult> {
    if (!this.inflight) {
      this.inflight = this.send()
        .catch((): SendResult => 'failed')
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }

  async shutdown(): Promise<SendResult> {
    if (this.closed) return this.inflight ?? 'disabled';
    clearInterval(this.timer);
    if (this.onBeforeExit) process.removeListener('beforeExit', this.onBeforeExit);
    // A flush already under way holds a snapshot from before; wait for it, then send the rest.
    if (this.inflight) await this.inflight;
    const result = await this.flush();
    this.closed = true;
    return result;
  }

  pending(): HeartbeatPending {
    return this.counters.snapshot();
  }

  private async send(): Promise<SendResult> {
    const endpoint = resolveEndpoint(this.context, this.options.endpoint);
    if (!endpoint.url) return 'disabled';
    // Taken before the first await, so counts added while the send path loads stay for the next flush.
    const snapshot = this.counters.snapshot();
    const timeMs = Date.now();
    const { readOrCreateId, sendEvents } = await import('./send.js');
    this.instanceId ??=
      typeof this.options.instanceId === 'string' && this.options.instanceId.length > 0 && this.options.instanceId.length <= 128
        ? this.options.instanceId
        : readOrCreateId(this.context.instanceIdPath).id;

    const summary: Record<string, string | number> = {
      [ATTR_EVENT_NAME]: EVENT_HEARTBEAT,
      [ATTR_HEARTBEAT_DROPPED]: snapshot.dropped,
    };
    for (const [name, value] of this.sizes) summary[`${ATTR_HEARTBEAT_SIZE_PREFIX}${name}`] = bucket(value);
    const events: LogEvent[] = [{ eventName: EVENT_HEARTBEAT, attributes: summary, timeMs }];
    for (const entry of snapshot.entries) {
      events.push({
        eventName: EVENT_USAGE,
        timeMs,
        attributes: {
          [ATTR_EVENT_NAME]: EVENT_USAGE,
          [ATTR_USAGE_CATEGORY]: entry.category,
          [ATTR_USAGE_NAME]: entry.name,
          [ATTR_USAGE_COUNT]: entry.count,
        },
      });
    }

    const base = requestBase(this.options, this.context);
    const result = await sendEvents({
      ...base,
      url: endpoint.url,
      resource: { ...base.resource, [RESOURCE_INSTANCE_ID]: this.instanceId },
      events,
    });
    if (result === 'sent') this.counters.commit(snapshot);
    safeLog(this.options.logger, `telemetry ${this.context.service}: heartbeat -> ${result}`);
    return result;
  }
}

const EMPTY: HeartbeatPending = { entries: [], total: 0, dropped: 0 };

const disabledHeartbeat: Heartbeat = {
  enabled: false,
  count() {},
  setSize() {},
  flush: () => Promise.resolve('disabled'),
  shutdown: () => Promise.resolve('disabled'),
  pending: () => EMPTY,
};

/**
 * Consent is decided here, once: a disabled heartbeat starts no timer, adds no exit hook and keeps no
 * counters. Never throws.
 */
export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  try {
    const context = telemetryContext(options);
    const consent = context.consent();
    safeLog(options.logger, `telemetry ${context.service}: heartbeat ${consent.enabled ? 'on' : 'off'} (${consent.reason})`);
    return consent.enabled ? new ActiveHeartbeat(options, context) : disabledHeartbeat;
  } catch (error) {
    safeLog(options?.logger, `telemetry: heartbeat not created: ${(error as Error)?.message ?? String(error)}`);
    return disabledHeartbeat;
  }
}
