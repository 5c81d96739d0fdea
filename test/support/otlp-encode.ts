import { JsonLogsSerializer, JsonMetricsSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';

/**
 * OTLP request bodies built with the OpenTelemetry JS serializers, the same code an SDK exporter runs,
 * from plain objects shaped like the SDK's ReadableLogRecord and ResourceMetrics. Only the fields the
 * serializers read are filled in; the SDK packages themselves are not a dependency of this repository.
 */

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;
export type OtlpEncoding = 'json' | 'protobuf';

export interface ScopeSpec {
  name: string;
  version?: string;
  attributes?: Attributes;
}

export interface LogRecordSpec {
  body?: AttributeValue;
  attributes: Attributes;
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  /** Milliseconds since the epoch; default now. */
  timeMs?: number;
}

export interface ResourceLogsSpec {
  resource: Attributes;
  scope: ScopeSpec;
  records: LogRecordSpec[];
}

export interface DataPointSpec {
  attributes: Attributes;
  value: number;
}

export interface MetricSpec {
  name: string;
  unit?: string;
  description?: string;
  /** sum: a monotonic delta counter (what Claude Code sends); gauge: last value. */
  kind: 'sum' | 'gauge';
  valueType: 'int' | 'double';
  points: DataPointSpec[];
}

export interface ResourceMetricsSpec {
  resource: Attributes;
  scope: ScopeSpec;
  metrics: MetricSpec[];
}

type LogRecords = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0];
type ResourceMetrics = Parameters<typeof ProtobufMetricsSerializer.serializeRequest>[0];

// Numeric values of the SDK enums the serializers switch on (@opentelemetry/sdk-metrics DataPointType,
// AggregationTemporality; @opentelemetry/api ValueType), fixed by the OTLP data model.
const DATA_POINT_TYPE = { gauge: 2, sum: 3 } as const;
const TEMPORALITY_DELTA = 0;
const VALUE_TYPE = { int: 0, double: 1 } as const;

type HrTime = [number, number];
const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];

function resourceOf(attributes: Attributes) {
  return { attributes, schemaUrl: undefined };
}

/**
 * Logs from several resources in one request. Each spec gets its own resource and scope object:
 * the serializers group records by object identity, so two specs never merge.
 */
export function encodeLogs(specs: readonly ResourceLogsSpec[], encoding: OtlpEncoding): Uint8Array {
  const now = Date.now();
  const records: unknown[] = [];
  for (const spec of specs) {
    const resource = resourceOf(spec.resource);
    const scope = { name: spec.scope.name, version: spec.scope.version, attributes: spec.scope.attributes, schemaUrl: undefined };
    for (const r of spec.records) {
      const t = hrTime(r.timeMs ?? now);
      records.push({
        hrTime: t,
        hrTimeObserved: t,
        body: r.body,
        attributes: r.attributes,
        droppedAttributesCount: 0,
        resource,
        instrumentationScope: scope,
        severityNumber: r.severityNumber,
        severityText: r.severityText,
        eventName: r.eventName,
        spanContext: undefined,
      });
    }
  }
  const serializer = encoding === 'json' ? JsonLogsSerializer : ProtobufLogsSerializer;
  const bytes = serializer.serializeRequest(records as LogRecords);
  if (!bytes) throw new Error('the logs serializer produced nothing');
  return bytes;
}

function toResourceMetrics(spec: ResourceMetricsSpec): ResourceMetrics {
  const now = Date.now();
  const end = hrTime(now);
  const start = hrTime(now - 1000);
  return {
    resource: resourceOf(spec.resource),
    scopeMetrics: [
      {
        scope: { name: spec.scope.name, version: spec.scope.version, attributes: spec.scope.attributes, schemaUrl: undefined },
        metrics: spec.metrics.map((m) => ({
          descriptor: { name: m.name, description: m.description ?? '', unit: m.unit ?? '', valueType: VALUE_TYPE[m.valueType] },
          aggregationTemporality: TEMPORALITY_DELTA,
          dataPointType: DATA_POINT_TYPE[m.kind],
          isMonotonic: true,
          dataPoints: m.points.map((p) => ({ startTime: start, endTime: end, attributes: p.attributes, value: p.value })),
        })),
      },
    ],
  } as unknown as ResourceMetrics;
}

/**
 * Metrics from several resources in one request. The serializers take one resource at a time; a
 * protobuf message concatenated with another of the same type is the merge of both (repeated fields
 * append), so the protobuf bodies are concatenated and the JSON bodies merged.
 */
export function encodeMetrics(specs: readonly ResourceMetricsSpec[], encoding: OtlpEncoding): Uint8Array {
  const parts = specs.map((spec) => {
    const serializer = encoding === 'json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
    const bytes = serializer.serializeRequest(toResourceMetrics(spec));
    if (!bytes) throw new Error('the metrics serializer produced nothing');
    return bytes;
  });
  if (encoding === 'protobuf') return Buffer.concat(parts);
  const resourceMetrics = parts.flatMap((p) => (JSON.parse(Buffer.from(p).toString('utf8')) as { resourceMetrics: unknown[] }).resourceMetrics);
  return new TextEncoder().encode(JSON.stringify({ resourceMetrics }));
}

export const CONTENT_TYPE: Record<OtlpEncoding, string> = {
  json: 'application/json',
  protobuf: 'application/x-protobuf',
};
