import type { ComponentStatus } from './runtime.js';

/**
 * The Collector's own Prometheus metrics, read for `status` and `verify`. Names are matched with
 * and without the `_total` suffix: the default reader drops it, other setups keep it.
 */
export interface CollectorMetrics {
  accepted: number;
  refused: number;
  sent: number;
  sendFailed: number;
  enqueueFailed: number;
  queueSize: number;
  queueCapacity: number;
  /** The sanitize processor's counters; undefined when it does not run (privacy.engine: stock). */
  sanitize?: { masked: number; droppedRecords: number; droppedAttributes: number; droppedBySource: DroppedSource[] };
  summary: string;
}

/** A running Collector's status line gets its counters; one whose metrics do not answer is unhealthy. */
export async function withCollectorCounters(status: ComponentStatus, metricsPort: number): Promise<ComponentStatus> {
  try {
    return { ...status, detail: (await readCollectorMetrics(metricsPort)).summary };
  } catch (e) {
    return { ...status, state: 'unhealthy', detail: `metrics endpoint not answering: ${(e as Error).message}` };
  }
}

export function parsePrometheus(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const name = m[1]!.replace(/_total$/, '');
    const value = Number(m[3]);
    if (Number.isFinite(value)) sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return sums;
}

/** Records the sanitize processor dropped because no enabled profile matched them, by origin. */
export interface DroppedSource {
  service: string;
  scope: string;
  records: number;
}

/** The processor labels its dropped-record counter with the service and scope the records came from. */
export function droppedBySource(text: string): DroppedSource[] {
  const out: DroppedSource[] = [];
  for (const line of text.split('\n')) {
    const m = /^otelcol_processor_sanitize_dropped_records(?:_total)?\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const label = (name: string) => new RegExp(`(?:^|,)${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(m[1]!)?.[1] ?? '';
    const records = Number(m[2]);
    if (records > 0) out.push({ service: label('service_name'), scope: label('scope_name'), records });
  }
  return out.sort((a, b) => b.records - a.records);
}

export async function readCollectorMetrics(port: number): Promise<CollectorMetrics> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const text = await res.text();
  const m = parsePrometheus(text);
  const sum = (...names: string[]) => names.reduce((acc, n) => acc + (m.get(n) ?? 0), 0);
  const metrics = {
    accepted: sum('otelcol_receiver_accepted_log_records', 'otelcol_receiver_accepted_metric_points'),
    refused: sum('otelcol_receiver_refused_log_records', 'otelcol_receiver_refused_metric_points'),
    sent: sum('otelcol_exporter_sent_log_records', 'otelcol_exporter_sent_metric_points'),
    sendFailed: sum('otelcol_exporter_send_failed_log_records', 'otelcol_exporter_send_failed_metric_points'),
    enqueueFailed: sum('otelcol_exporter_enqueue_failed_log_records', 'otelcol_exporter_enqueue_failed_metric_points'),
    queueSize: sum('otelcol_exporter_queue_size'),
    queueCapacity: sum('otelcol_exporter_queue_capacity'),
  };
  // Counters appear once the processor has counted something; before that it has nothing to show.
  const sanitize = [...m.keys()].some((k) => k.startsWith('otelcol_processor_sanitize_'))
    ? {
        masked: sum('otelcol_processor_sanitize_masked_values'),
        droppedRecords: sum('otelcol_processor_sanitize_dropped_records'),
        droppedAttributes: sum('otelcol_processor_sanitize_dropped_attributes'),
        droppedBySource: droppedBySource(text),
      }
    : undefined;
  const sanitized = sanitize ? `, masked ${sanitize.masked}, dropped ${sanitize.droppedRecords} records and ${sanitize.droppedAttributes} attributes` : '';
  return {
    ...metrics,
    ...(sanitize ? { sanitize } : {}),
    summary: `accepted ${metrics.accepted}, refused ${metrics.refused}, sent ${metrics.sent}, failed ${metrics.sendFailed + metrics.enqueueFailed}, queue ${metrics.queueSize}/${metrics.queueCapacity}${sanitized}`,
  };
}
