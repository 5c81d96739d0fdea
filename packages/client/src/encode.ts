import { SCOPE_NAME } from './names.js';

// The OTLP logs request, encoded here rather than by @opentelemetry/otlp-transformer. What the client sends
// is one fixed shape (a resource of string attributes, one scope, records with an event name and string or
// number attributes), and for that shape a general serializer costs a host more than the send itself: its
// protobuf writer and @opentelemetry/api came to 45 KB of JavaScript in three files, and the first encode
// ran for about 2 ms before any byte was written. The bytes are the same as that serializer's, protobuf and
// JSON alike: test/encode.test.ts compares both with @opentelemetry/otlp-transformer (a devDependency) on
// every event shape the client sends, and the other tests decode them strictly against the OTLP field
// layout.

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface LogEvent {
  eventName: string;
  attributes: Readonly<Record<string, string | number>>;
  timeMs: number;
}

export interface EncodedRequest {
  body: Uint8Array;
  contentType: string;
}

const SEVERITY_NUMBER_INFO = 9;
const SEVERITY_TEXT_INFO = 'INFO';

/** Milliseconds since the epoch as the nanoseconds OTLP carries, split and rounded as the SDK's hrTime does. */
function unixNanos(ms: number): bigint {
  const seconds = Math.floor(ms / 1000);
  return BigInt(seconds) * 1_000_000_000n + BigInt(Math.round((ms - seconds * 1000) * 1e6));
}

// ---------- protobuf (opentelemetry-proto: collector/logs/v1, logs/v1, common/v1, resource/v1) ----------

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const utf8 = new TextEncoder();

function varint(value: bigint): number[] {
  // int64 fields carry a negative value as its 64-bit two's complement (ten bytes).
  let rest = BigInt.asUintN(64, value);
  const bytes: number[] = [];
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

function tag(field: number, wire: number): number[] {
  return varint(BigInt((field << 3) | wire));
}

function lengthDelimited(field: number, bytes: Uint8Array): Uint8Array {
  return Buffer.concat([Uint8Array.from(tag(field, WIRE_LENGTH)), Uint8Array.from(varint(BigInt(bytes.byteLength))), bytes]);
}

function stringField(field: number, value: string): Uint8Array {
  return lengthDelimited(field, utf8.encode(value));
}

function varintField(field: number, value: bigint): Uint8Array {
  return Uint8Array.from([...tag(field, WIRE_VARINT), ...varint(value)]);
}

function fixed64Field(field: number, value: bigint): Uint8Array {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return Buffer.concat([Uint8Array.from(tag(field, WIRE_FIXED64)), bytes]);
}

function doubleField(field: number, value: number): Uint8Array {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return Buffer.concat([Uint8Array.from(tag(field, WIRE_FIXED64)), bytes]);
}

/** AnyValue: string_value = 1, int_value = 3, double_value = 4. A whole number is an int, as in the SDK. */
function anyValue(value: string | number): Uint8Array {
  if (typeof value === 'string') return stringField(1, value);
  return Number.isInteger(value) ? varintField(3, BigInt(value)) : doubleField(4, value);
}

/** Repeated KeyValue { key = 1; value = 2 } under `field`. */
function keyValues(field: number, attributes: Readonly<Record<string, string | number>>): Uint8Array[] {
  return Object.entries(attributes).map(([key, value]) =>
    lengthDelimited(field, Buffer.concat([stringField(1, key), lengthDelimited(2, anyValue(value))])),
  );
}

/** LogRecord: time 1, severity_number 2, severity_text 3, attributes 6, dropped_attributes_count 7, observed time 11, event_name 12. */
function logRecord(event: LogEvent): Uint8Array {
  const time = unixNanos(event.timeMs);
  return Buffer.concat([
    fixed64Field(1, time),
    varintField(2, BigInt(SEVERITY_NUMBER_INFO)),
    stringField(3, SEVERITY_TEXT_INFO),
    ...keyValues(6, event.attributes),
    varintField(7, 0n),
    fixed64Field(11, time),
    stringField(12, event.eventName),
  ]);
}

function protobufRequest(resource: Readonly<Record<string, string>>, events: readonly LogEvent[]): Uint8Array {
  // Resource { attributes = 1; dropped_attributes_count = 2 }, InstrumentationScope { name = 1 },
  // ScopeLogs { scope = 1; log_records = 2 }, ResourceLogs { resource = 1; scope_logs = 2 },
  // ExportLogsServiceRequest { resource_logs = 1 }.
  const resourceMessage = Buffer.concat([...keyValues(1, resource), varintField(2, 0n)]);
  const scopeLogs = Buffer.concat([
    lengthDelimited(1, stringField(1, SCOPE_NAME)),
    ...events.map((event) => lengthDelimited(2, logRecord(event))),
  ]);
  const resourceLogs = Buffer.concat([lengthDelimited(1, resourceMessage), lengthDelimited(2, scopeLogs)]);
  return lengthDelimited(1, resourceLogs);
}

// ---------- JSON (the OTLP/HTTP JSON mapping) ----------

type JsonAnyValue = { stringValue: string } | { intValue: number } | { doubleValue: number };

function jsonKeyValues(attributes: Readonly<Record<string, string | number>>): Array<{ key: string; value: JsonAnyValue }> {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value:
      typeof value === 'string'
        ? { stringValue: value }
        : Number.isInteger(value)
          ? { intValue: value }
          : { doubleValue: value },
  }));
}

function jsonRequest(resource: Readonly<Record<string, string>>, events: readonly LogEvent[]): Uint8Array {
  const request = {
    resourceLogs: [
      {
        resource: { attributes: jsonKeyValues(resource), droppedAttributesCount: 0 },
        scopeLogs: [
          {
            scope: { name: SCOPE_NAME },
            logRecords: events.map((event) => {
              const time = unixNanos(event.timeMs).toString();
              return {
                timeUnixNano: time,
                observedTimeUnixNano: time,
                severityNumber: SEVERITY_NUMBER_INFO,
                severityText: SEVERITY_TEXT_INFO,
                // An empty AnyValue, as the SDK's serializer writes for a record without a body; receivers
                // read it as no body.
                body: {},
                eventName: event.eventName,
                attributes: jsonKeyValues(event.attributes),
                droppedAttributesCount: 0,
              };
            }),
          },
        ],
      },
    ],
  };
  return utf8.encode(JSON.stringify(request));
}

const CONTENT_TYPE: Record<OtlpProtocol, string> = {
  'http/protobuf': 'application/x-protobuf',
  'http/json': 'application/json',
};

/** All records share the one resource and the one scope, as one process's events do. */
export function encodeLogs(
  protocol: OtlpProtocol,
  resource: Readonly<Record<string, string>>,
  events: readonly LogEvent[],
): EncodedRequest {
  const body = protocol === 'http/json' ? jsonRequest(resource, events) : protobufRequest(resource, events);
  return { body, contentType: CONTENT_TYPE[protocol] };
}
