import { safeLog } from './logger.js';
import {
  ATTR_EVENT_NAME,
  ATTR_EXIT_CODE,
  ATTR_VERB,
  EVENT_COMMAND,
  RESOURCE_FINGERPRINT,
} from './names.js';
import type { SenderOptions } from './options.js';
import type { SendResult } from './result.js';
import {
  requestBase,
  resolveEndpoint,
  telemetryContext,
  type ResolvedEndpoint,
  type TelemetryContext,
} from './settings.js';
import { telemetryStatusOf, type TelemetryStatus } from './status.js';
import { knownVerbSet, sanitizeVerb } from './verb.js';

// Payload decision: one OTLP log record (an event named `cli.command`) per dispatched command, not a
// counter metric.
// - Exactly countable: every invocation is one row in storage; count() over rows is the usage number,
//   with no temporality to reconcile (a delta sum sent by thousands of short-lived processes, each with
//   its own start time, is what a metrics backend is worst at merging).
// - It carries the exit code and the verb as attributes of the same row, so "which commands fail" is a
//   GROUP BY, not a second instrument.
// - Every storage the stack supports takes logs; Loki takes nothing else. A metric would be lost there.
// - One record shape for everything the client sends keeps its encoder a few lines (encode.ts), where a
//   metrics serializer would be code every sending host process loads.
// A counter can still be derived in the Collector (count connector) for those who want a metric.

export interface TrackOptions {
  /** The command's exit code; sent as an int. Omitted from the record when not a 32-bit integer. */
  exit?: number;
}

export interface UsageTelemetryOptions extends SenderOptions {
  /** Verb paths the host dispatches ("deploy", "db migrate"); when given, only these can be sent. */
  knownVerbs?: readonly string[];
}

export interface UsageTelemetry {
  /** Sends one `cli.command` event. Always resolves; never throws; bounded by `timeoutMs`. */
  track(verb: string | readonly string[], options?: TrackOptions): Promise<SendResult>;
  /** Resolves when every send started so far has settled (each is bounded by `timeoutMs`). */
  flush(): Promise<void>;
  /** What would happen and why; reads config, never creates files or sends. */
  status(): TelemetryStatus;
}

function isExitCode(exit: unknown): exit is number {
  return typeof exit === 'number' && Number.isInteger(exit) && exit >= -(2 ** 31) && exit < 2 ** 31;
}

class CommandTelemetry implements UsageTelemetry {
  private readonly pending = new Set<Promise<SendResult>>();
  private known: ReadonlySet<string> | undefined;
  private endpoint: ResolvedEndpoint | undefined;
  private fingerprint: string | undefined;

  constructor(
    private readonly options: UsageTelemetryOptions,
    private readonly context: TelemetryContext,
  ) {}

  track(verb: string | readonly string[], options?: TrackOptions): Promise<SendResult> {
    let sending: Promise<SendResult>;
    try {
      sending = this.send(verb, options).catch(() => 'failed' as const);
    } catch {
      sending = Promise.resolve('failed');
    }
    this.pending.add(sending);
    void sending.then((result) => {
      this.pending.delete(sending);
      safeLog(this.options.logger, `telemetry ${this.context.service}: track -> ${result}`);
    });
    return sending;
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  status(): TelemetryStatus {
    return telemetryStatusOf(this.context, this.options.endpoint);
  }

  private async send(verb: string | readonly string[], options: TrackOptions | undefined): Promise<SendResult> {
    const timeMs = Date.now();
    // Consent first: when it says no, nothing below runs (no verb parsing, no file, no module, no socket).
    if (!this.context.consent().enabled) return 'disabled';
    this.endpoint ??= resolveEndpoint(this.context, this.options.endpoint);
    const url = this.endpoint.url;
    if (!url) return 'disabled';
    // The host's verb list is parsed here, once a send is allowed, not when the client is made.
    if (this.options.knownVerbs) this.known ??= knownVerbSet(this.options.knownVerbs);
    const clean = sanitizeVerb(verb, this.known);
    if (clean === undefined) return 'invalid';

    // Loaded here, not at import: a host that never sends never pays for the encoder, the socket code
    // and the fingerprint file.
    const { readOrCreateId, sendEvents } = await import('./send.js');
    this.fingerprint ??= readOrCreateId(this.context.fingerprintPath).id;
    const attributes: Record<string, string | number> = { [ATTR_EVENT_NAME]: EVENT_COMMAND, [ATTR_VERB]: clean };
    if (isExitCode(options?.exit)) attributes[ATTR_EXIT_CODE] = options.exit;

    const base = requestBase(this.options, this.context);
    return sendEvents({
      ...base,
      url,
      resource: { ...base.resource, [RESOURCE_FINGERPRINT]: this.fingerprint },
      events: [{ eventName: EVENT_COMMAND, attributes, timeMs }],
    });
  }
}

/** A client that answers every call without doing anything; what a broken configuration degrades to. */
const inert: UsageTelemetry = {
  track: () => Promise.resolve('disabled'),
  flush: () => Promise.resolve(),
  status: () => ({
    service: '',
    enabled: false,
    willSend: false,
    source: 'code',
    reason: 'the telemetry client could not be created',
    envVariable: '',
    endpoint: undefined,
    endpointSource: undefined,
    configPath: '',
    fingerprintPath: '',
    noticeShown: false,
    ci: undefined,
  }),
};

/** Creating the client does no I/O; every decision is made on the first `track`. Never throws. */
export function createUsageTelemetry(options: UsageTelemetryOptions): UsageTelemetry {
  try {
    return new CommandTelemetry(options, telemetryContext(options));
  } catch (error) {
    safeLog(options?.logger, `telemetry: client not created: ${(error as Error)?.message ?? String(error)}`);
    return inert;
  }
}
