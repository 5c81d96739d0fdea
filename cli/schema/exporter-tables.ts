/**
 * The tables the contrib clickhouse exporter writes at our pin (v0.161.0), column for column, so a
 * schema telemetry-stack creates (`create_schema: false`) takes the exporter's inserts unchanged.
 * Columns are facts read from the tables the exporter itself created
 * (configs/clickhouse/exporter-ddl-v0.161.0.sql); test/schema/two-shards.test.ts compares
 * them with system.columns of a real exporter's tables, so a Collector bump that changes them
 * fails there first.
 *
 * Skipping indexes are ours: bloom_filter and tokenbf_v1, which every supported server version
 * builds (the exporter picks text() indexes on servers from 26.2 on, bloom filters before).
 */

export interface ExporterColumn {
  name: string;
  type: string;
  codec?: string;
  /** An expression the server computes on insert; the exporter never sends these. */
  materialized?: string;
  comment?: string;
}

export interface ExporterTable {
  name: string;
  /** Column that dates a row: partitions and TTL. */
  time: string;
  columns: readonly ExporterColumn[];
  orderBy: string;
  indexes: readonly string[];
  /** Attribute map holding the user identity the query templates read (the sharding key's source). */
  userAttributes: string;
}

const zstd = 'ZSTD(1)';
/** `null`: no CODEC clause (the server's default compression), as the exporter writes some columns. */
const col = (name: string, type: string, codec: string | null = zstd, comment?: string): ExporterColumn => ({
  name,
  type,
  ...(codec ? { codec } : {}),
  ...(comment ? { comment } : {}),
});
const map = 'Map(LowCardinality(String), String)';

const K8S_RESOURCE_KEYS = ['k8s.cluster.name', 'k8s.container.name', 'k8s.deployment.name', 'k8s.namespace.name', 'k8s.node.name', 'k8s.pod.name', 'k8s.pod.uid', 'deployment.environment.name'];

const LOGS: ExporterTable = {
  name: 'otel_logs',
  time: 'Timestamp',
  userAttributes: 'LogAttributes',
  columns: [
    col('Timestamp', 'DateTime64(9)', 'Delta(8), ZSTD(1)', 'Event timestamp with nanosecond precision'),
    col('TraceId', 'String', zstd, 'W3C trace identifier'),
    col('SpanId', 'String', zstd, 'W3C span identifier'),
    col('TraceFlags', 'UInt8', null, 'W3C trace flags'),
    col('SeverityText', 'LowCardinality(String)', zstd, 'Log severity as text'),
    col('SeverityNumber', 'UInt8', null, 'Log severity as number (1-24)'),
    col('ServiceName', 'LowCardinality(String)', zstd, 'Service that emitted the log'),
    col('Body', 'String', zstd, 'Log message body'),
    col('ResourceSchemaUrl', 'LowCardinality(String)', zstd, 'Schema URL for the resource'),
    col('ResourceAttributes', map, zstd, 'Resource attributes as key-value pairs'),
    col('ScopeSchemaUrl', 'LowCardinality(String)', zstd, 'Schema URL for the instrumentation scope'),
    col('ScopeName', 'String', zstd, 'Instrumentation scope name'),
    col('ScopeVersion', 'LowCardinality(String)', zstd, 'Instrumentation scope version'),
    col('ScopeAttributes', map, zstd, 'Instrumentation scope attributes'),
    col('LogAttributes', map, zstd, 'Log record attributes'),
    col('EventName', 'String', zstd, 'Event name for log records representing events'),
    ...K8S_RESOURCE_KEYS.map((key) => ({
      name: `__otel_materialized_${key}`,
      type: 'LowCardinality(String)',
      materialized: `ResourceAttributes['${key}']`,
      codec: zstd,
    })),
  ],
  orderBy: '(toStartOfFiveMinutes(Timestamp), ServiceName, Timestamp)',
  indexes: [
    'INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1',
    'INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_lower_body lower(Body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8',
  ],
};

/** Columns every metrics table starts with, in the exporter's order. */
const METRIC_HEAD: ExporterColumn[] = [
  col('ResourceAttributes', map),
  col('ResourceSchemaUrl', 'String'),
  col('ScopeName', 'String'),
  col('ScopeVersion', 'String'),
  col('ScopeAttributes', map),
  col('ScopeDroppedAttrCount', 'UInt32'),
  col('ScopeSchemaUrl', 'String'),
  col('ServiceName', 'LowCardinality(String)'),
  col('MetricName', 'LowCardinality(String)'),
  col('MetricDescription', 'String'),
  col('MetricUnit', 'String'),
  col('Attributes', map),
  col('StartTimeUnix', 'DateTime', 'Delta(4), ZSTD(1)'),
  col('TimeUnix', 'DateTime', 'Delta(4), ZSTD(1)'),
];
const EXEMPLARS: ExporterColumn[] = [
  col('Exemplars.FilteredAttributes', `Array(${map})`),
  col('Exemplars.TimeUnix', 'Array(DateTime)'),
  col('Exemplars.Value', 'Array(Float64)'),
  col('Exemplars.SpanId', 'Array(String)'),
  col('Exemplars.TraceId', 'Array(String)'),
];
const METRIC_INDEXES = [
  'INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_time_minmax TimeUnix TYPE minmax GRANULARITY 1',
];
const metric = (name: string, tail: ExporterColumn[]): ExporterTable => ({
  name,
  time: 'TimeUnix',
  userAttributes: 'Attributes',
  columns: [...METRIC_HEAD, ...tail],
  orderBy: '(ServiceName, MetricName, toStartOfHour(TimeUnix), cityHash64(Attributes), TimeUnix)',
  indexes: METRIC_INDEXES,
});
const MIN_MAX_TEMPORALITY = [col('Flags', 'UInt32'), col('Min', 'Float64'), col('Max', 'Float64'), col('AggregationTemporality', 'Int32')];

/** Every table, in the order of EXPORTER_TABLES (cli/render/clickhouse-ddl.ts). */
export const EXPORTER_TABLE_COLUMNS: readonly ExporterTable[] = [
  LOGS,
  metric('otel_metrics_gauge', [col('Value', 'Float64'), col('Flags', 'UInt32'), ...EXEMPLARS]),
  metric('otel_metrics_sum', [col('Value', 'Float64'), col('Flags', 'UInt32'), ...EXEMPLARS, col('AggregationTemporality', 'Int32'), col('IsMonotonic', 'Bool', 'Delta(1), ZSTD(1)')]),
  metric('otel_metrics_summary', [
    col('Count', 'UInt64', 'Delta(8), ZSTD(1)'),
    col('Sum', 'Float64'),
    col('ValueAtQuantiles.Quantile', 'Array(Float64)'),
    col('ValueAtQuantiles.Value', 'Array(Float64)'),
    col('Flags', 'UInt32'),
  ]),
  metric('otel_metrics_histogram', [
    col('Count', 'UInt64', 'Delta(8), ZSTD(1)'),
    col('Sum', 'Float64'),
    col('BucketCounts', 'Array(UInt64)'),
    col('ExplicitBounds', 'Array(Float64)'),
    ...EXEMPLARS,
    ...MIN_MAX_TEMPORALITY,
  ]),
  metric('otel_metrics_exponential_histogram', [
    col('Count', 'UInt64', 'Delta(8), ZSTD(1)'),
    col('Sum', 'Float64'),
    col('Scale', 'Int32'),
    col('ZeroCount', 'UInt64'),
    col('PositiveOffset', 'Int32'),
    col('PositiveBucketCounts', 'Array(UInt64)'),
    col('NegativeOffset', 'Int32'),
    col('NegativeBucketCounts', 'Array(UInt64)'),
    ...EXEMPLARS,
    ...MIN_MAX_TEMPORALITY,
  ]),
];

/** A column as it reads in CREATE TABLE and in ALTER TABLE ... ADD COLUMN. */
export function columnDefinition(c: ExporterColumn): string {
  return [`\`${c.name}\` ${c.type}`, c.materialized ? `MATERIALIZED ${c.materialized}` : '', c.comment ? `COMMENT '${c.comment.replace(/'/g, "\\'")}'` : '', c.codec ? `CODEC(${c.codec})` : '']
    .filter(Boolean)
    .join(' ');
}
