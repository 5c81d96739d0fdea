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

// Bytes are pushed onto one plain array of numbers and copied into a Uint8Array once at the end. The first
// version built every field as a Buffer and joined them with Buffer.concat, with varints computed in BigInt:
// the first encode in a process (the only one a CLI makes) ran for about 0.8 ms, most of it Node compiling
// Buffer.concat, Buffer.alloc and writeBigUInt64LE on their first call; this runs for about 0.2 ms.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const TWO_POW_32 = 2 ** 32;
const utf8 = new TextEncoder();

type Bytes = number[];

function append(out: Bytes, bytes: ArrayLike<number>): void {
  for (let i = 0; i < bytes.length; i += 1) out.push(bytes[i] as number);
}

/**
 * An integer as a varint of its 64-bit two's complement, so a negative int64 takes ten bytes, as the SDK
 * writes it. The value is split into 32-bit halves, which is exact for every integer a double holds.
 */
function varint(out: Bytes, value: number): void {
  let low = value >>> 0;
  let high = Math.floor(value / TWO_POW_32) >>> 0;
  while (high !== 0) {
    out.push((low & 0x7f) | 0x80);
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  while (low > 0x7f) {
    out.push((low & 0x7f) | 0x80);
    low >>>= 7;
  }
  out.push(low);
}

function tag(out: Bytes, field: number, wire: number): void {
  varint(out, field * 8 + wire);
}

function messageField(out: Bytes, field: number, message: Bytes): void {
  tag(out, field, WIRE_LENGTH);
  varint(out, message.length);
  append(out, message);
}

function stringField(out: Bytes, field: number, value: string): void {
  const bytes = utf8.encode(value);
  tag(out, field, WIRE_LENGTH);
  varint(out, bytes.length);
  append(out, bytes);
}

function varintField(out: Bytes, field: number, value: number): void {
  tag(out, field, WIRE_VARINT);
  varint(out, value);
}

/** Little-endian, low 32 bits first. */
function fixed64Field(out: Bytes, field: number, value: bigint): void {
  tag(out, field, WIRE_FIXED64);
  const low = Number(value & 0xffffffffn);
  const high = Number(value >> 32n);
  for (const half of [low, high]) out.push(half & 0xff, (half >>> 8) & 0xff, (half >>> 16) & 0xff, half >>> 24);
}

function doubleField(out: Bytes, field: number, value: number): void {
  tag(out, field, WIRE_FIXED64);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  append(out, bytes);
}

/** AnyValue: string_value = 1, int_value = 3, double_value = 4. A whole number is an int, as in the SDK. */
function anyValue(value: string | number): Bytes {
  const out: Bytes = [];
  if (typeof value === 'string') stringField(out, 1, value);
  else if (Number.isInteger(value)) varintField(out, 3, value);
  else doubleField(out, 4, value);
  return out;
}

/** Repeated KeyValue { key = 1; value = 2 } under `field`. */
function keyValues(out: Bytes, field: number, attributes: Readonly<Record<string, string | number>>): void {
  for (const [key, value] of Object.entries(attributes)) {
    const keyValue: Bytes = [];
    stringField(keyValue, 1, key);
    messageField(keyValue, 2, anyValue(value));
    messageField(out, field, keyValue);
  }
}

/** LogRecord: time 1, severity_number 2, severity_text 3, attributes 6, dropped_attributes_count 7, observed time 11, event_name 12. */
function logRecord(event: LogEvent): Bytes {
  const time = unixNanos(event.timeMs);
  const out: Bytes = [];
  fixed64Field(out, 1, time);
  varintField(out, 2, SEVERITY_NUMBER_INFO);
  stringField(out, 3, SEVERITY_TEXT_INFO);
  keyValues(out, 6, event.attributes);
  varintField(out, 7, 0);
  fixed64Field(out, 11, time);
  stringField(out, 12, event.eventName);
  return out;
}

function protobufRequest(resource: Readonly<Record<string, string>>, events: readonly LogEvent[]): Uint8Array {
  // Resource { attributes = 1; dropped_attributes_count = 2 }, InstrumentationScope { name = 1 },
  // ScopeLogs { scope = 1; log_records = 2 }, ResourceLogs { resource = 1; scope_logs = 2 },
  // ExportLogsServiceRequest { resource_logs = 1 }.
  const resourceMessage: Bytes = [];
  keyValues(resourceMessage, 1, resource);
  varintField(resourceMessage, 2, 0);
  const scope: Bytes = [];
  stringField(scope, 1, SCOPE_NAME);
  const scopeLogs: Bytes = [];
  messageField(scopeLogs, 1, scope);
  for (const event of events) messageField(scopeLogs, 2, logRecord(event));
  const resourceLogs: Bytes = [];
  messageField(resourceLogs, 1, resourceMessage);
  messageField(resourceLogs, 2, scopeLogs);
  const request: Bytes = [];
  messageField(request, 1, resourceLogs);
  return new Uint8Array(request);
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
