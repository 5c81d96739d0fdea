/** OTLP/HTTP JSON shaped like what the telemetry-stack client and Claude Code send. */

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
export type Attrs = Record<string, string | number | boolean>;

function value(v: string | number | boolean): AnyValue {
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { stringValue: v };
}

export function attributes(a: Attrs): { key: string; value: AnyValue }[] {
  return Object.entries(a).map(([key, v]) => ({ key, value: value(v) }));
}

const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

export interface LogRecord {
  timeMs: number;
  eventName?: string;
  body?: string;
  attrs: Attrs;
}

export interface ResourceLogs {
  resource: Attrs;
  scope: string;
  records: LogRecord[];
}

export function logsBody(groups: ResourceLogs[]): unknown {
  return {
    resourceLogs: groups.map((g) => ({
      resource: { attributes: attributes(g.resource) },
      scopeLogs: [
        {
          scope: { name: g.scope },
          logRecords: g.records.map((r) => ({
            timeUnixNano: nanos(r.timeMs),
            observedTimeUnixNano: nanos(r.timeMs),
            ...(r.eventName ? { eventName: r.eventName } : {}),
            ...(r.body ? { body: { stringValue: r.body } } : {}),
            attributes: attributes(r.attrs),
          })),
        },
      ],
    })),
  };
}

export interface SumPoint {
  timeMs: number;
  value: number;
  attrs: Attrs;
}

/** A delta monotonic sum, as Claude Code exports claude_code.cost.usage and claude_code.token.usage. */
export function metricsBody(resource: Attrs, name: string, points: SumPoint[]): unknown {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes(resource) },
        scopeMetrics: [
          {
            scope: { name: 'com.anthropic.claude_code' },
            metrics: [
              {
                name,
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: points.map((p) => ({ startTimeUnixNano: nanos(p.timeMs - 60_000), timeUnixNano: nanos(p.timeMs), asDouble: p.value, attributes: attributes(p.attrs) })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

export async function post(port: number, path: '/v1/logs' | '/v1/metrics', body: unknown): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status} ${text}`);
}

export const CLI_SCOPE = 'telemetry-stack/client';
export const CLAUDE_SCOPE = 'com.anthropic.claude_code.events';

/** One cli.command record as the client library writes it. */
export function command(timeMs: number, verb: string, exit?: number): LogRecord {
  return { timeMs, eventName: 'cli.command', attrs: { 'event.name': 'cli.command', 'cli.verb': verb, ...(exit === undefined ? {} : { 'cli.exit_code': exit }) } };
}

/** One Claude Code event: body claude_code.<name>, attribute event.name = <name>. */
export function claudeEvent(timeMs: number, name: string, attrs: Attrs): LogRecord {
  return { timeMs, body: `claude_code.${name}`, attrs: { 'event.name': name, 'event.timestamp': new Date(timeMs).toISOString(), ...attrs } };
}

export const DAY = 86_400_000;
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
