// Independent decoders for OTLP/HTTP logs requests, written from the field layout in
// opentelemetry-proto (logs/v1/logs.proto, common/v1/common.proto, resource/v1/resource.proto). They are
// strict: an unknown field, a wrong wire type or a trailing byte fails the decode, so "it decodes" means
// the bytes are a well-formed ExportLogsServiceRequest, not merely something a lenient parser tolerates.
// Both decoders produce the same shape, so the JSON and protobuf encodings are checked by the same test.

export type AnyValue = string | boolean | bigint | number | AnyValue[] | { [key: string]: AnyValue } | Uint8Array;

export interface DecodedRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber?: number;
  severityText?: string;
  eventName?: string;
  body?: AnyValue;
  attributes: Record<string, AnyValue>;
  droppedAttributesCount: number;
}

export interface DecodedScopeLogs {
  scope: { name: string; version?: string; attributes: Record<string, AnyValue> };
  logRecords: DecodedRecord[];
}

export interface DecodedResourceLogs {
  resource: Record<string, AnyValue>;
  scopeLogs: DecodedScopeLogs[];
}

export interface DecodedLogs {
  resourceLogs: DecodedResourceLogs[];
}

// ---------- protobuf ----------

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly end = buf.length,
  ) {}

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new Error('varint too long');
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new Error('truncated fixed64');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getBigUint64(0, true);
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new Error('truncated double');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getFloat64(0, true);
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new Error('truncated fixed32');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4);
    this.pos += 4;
    return view.getUint32(0, true);
  }

  bytes(): Uint8Array {
    const length = Number(this.varint());
    if (this.pos + length > this.end) throw new Error('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes());
  }

  sub(): Reader {
    const bytes = this.bytes();
    return new Reader(bytes);
  }

  tag(): { field: number; wire: number } {
    const key = Number(this.varint());
    return { field: key >>> 3, wire: key & 7 };
  }
}

function expectWire(message: string, field: number, wire: number, expected: number): void {
  if (wire !== expected) throw new Error(`${message}.${field}: wire type ${wire}, expected ${expected}`);
}

function toInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

function readAnyValue(r: Reader): AnyValue {
  let value: AnyValue | undefined;
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        expectWire('AnyValue', field, wire, 2);
        value = r.string();
        break;
      case 2:
        expectWire('AnyValue', field, wire, 0);
        value = r.varint() !== 0n;
        break;
      case 3:
        expectWire('AnyValue', field, wire, 0);
        value = toInt64(r.varint());
        break;
      case 4:
        expectWire('AnyValue', field, wire, 1);
        value = r.double();
        break;
      case 5: {
        expectWire('AnyValue', field, wire, 2);
        const array = r.sub();
        const values: AnyValue[] = [];
        while (!array.done()) {
          const t = array.tag();
          if (t.field !== 1) throw new Error(`ArrayValue: unknown field ${t.field}`);
          expectWire('ArrayValue', t.field, t.wire, 2);
          values.push(readAnyValue(array.sub()));
        }
        value = values;
        break;
      }
      case 6: {
        expectWire('AnyValue', field, wire, 2);
        const list = r.sub();
        const map: Record<string, AnyValue> = {};
        while (!list.done()) {
          const t = list.tag();
          if (t.field !== 1) throw new Error(`KeyValueList: unknown field ${t.field}`);
          expectWire('KeyValueList', t.field, t.wire, 2);
          const [k, v] = readKeyValue(list.sub());
          map[k] = v;
        }
        value = map;
        break;
      }
      case 7:
        expectWire('AnyValue', field, wire, 2);
        value = r.bytes();
        break;
      default:
        throw new Error(`AnyValue: unknown field ${field}`);
    }
  }
  // An AnyValue with no field set is valid protobuf (the Collector sends one for an absent body);
  // it reads as the empty string, as AsString does on the receiving side.
  if (value === undefined) return '';
  return value;
}

function readKeyValue(r: Reader): [string, AnyValue] {
  let key: string | undefined;
  let value: AnyValue | undefined;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire('KeyValue', field, wire, 2);
      key = r.string();
    } else if (field === 2) {
      expectWire('KeyValue', field, wire, 2);
      value = readAnyValue(r.sub());
    } else {
      throw new Error(`KeyValue: unknown field ${field}`);
    }
  }
  if (key === undefined || value === undefined) throw new Error('KeyValue: missing key or value');
  return [key, value];
}

function addAttribute(target: Record<string, AnyValue>, r: Reader): void {
  const [k, v] = readKeyValue(r);
  if (k in target) throw new Error(`duplicate attribute ${k}`);
  target[k] = v;
}

function readResource(r: Reader): Record<string, AnyValue> {
  const attributes: Record<string, AnyValue> = {};
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire('Resource', field, wire, 2);
      addAttribute(attributes, r.sub());
    } else if (field === 2) {
      expectWire('Resource', field, wire, 0);
      if (r.varint() !== 0n) throw new Error('Resource: dropped attributes');
    } else {
      throw new Error(`Resource: unknown field ${field}`);
    }
  }
  return attributes;
}

function readScope(r: Reader): DecodedScopeLogs['scope'] {
  const scope: DecodedScopeLogs['scope'] = { name: '', attributes: {} };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire('InstrumentationScope', field, wire, 2);
      scope.name = r.string();
    } else if (field === 2) {
      expectWire('InstrumentationScope', field, wire, 2);
      scope.version = r.string();
    } else if (field === 3) {
      expectWire('InstrumentationScope', field, wire, 2);
      addAttribute(scope.attributes, r.sub());
    } else if (field === 4) {
      expectWire('InstrumentationScope', field, wire, 0);
      r.varint();
    } else {
      throw new Error(`InstrumentationScope: unknown field ${field}`);
    }
  }
  return scope;
}

function readLogRecord(r: Reader): DecodedRecord {
  const record: DecodedRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    attributes: {},
    droppedAttributesCount: 0,
  };
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        expectWire('LogRecord', field, wire, 1);
        record.timeUnixNano = r.fixed64();
        break;
      case 2:
        expectWire('LogRecord', field, wire, 0);
        record.severityNumber = Number(r.varint());
        break;
      case 3:
        expectWire('LogRecord', field, wire, 2);
        record.severityText = r.string();
        break;
      case 5:
        expectWire('LogRecord', field, wire, 2);
        record.body = readAnyValue(r.sub());
        break;
      case 6:
        expectWire('LogRecord', field, wire, 2);
        addAttribute(record.attributes, r.sub());
        break;
      case 7:
        expectWire('LogRecord', field, wire, 0);
        record.droppedAttributesCount = Number(r.varint());
        break;
      case 8:
        expectWire('LogRecord', field, wire, 5);
        r.fixed32();
        break;
      case 9:
      case 10:
        expectWire('LogRecord', field, wire, 2);
        r.bytes();
        break;
      case 11:
        expectWire('LogRecord', field, wire, 1);
        record.observedTimeUnixNano = r.fixed64();
        break;
      case 12:
        expectWire('LogRecord', field, wire, 2);
        record.eventName = r.string();
        break;
      default:
        throw new Error(`LogRecord: unknown field ${field}`);
    }
  }
  return record;
}

function readScopeLogs(r: Reader): DecodedScopeLogs {
  const scopeLogs: DecodedScopeLogs = { scope: { name: '', attributes: {} }, logRecords: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    expectWire('ScopeLogs', field, wire, 2);
    if (field === 1) scopeLogs.scope = readScope(r.sub());
    else if (field === 2) scopeLogs.logRecords.push(readLogRecord(r.sub()));
    else if (field === 3) r.string();
    else throw new Error(`ScopeLogs: unknown field ${field}`);
  }
  return scopeLogs;
}

function readResourceLogs(r: Reader): DecodedResourceLogs {
  const out: DecodedResourceLogs = { resource: {}, scopeLogs: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    expectWire('ResourceLogs', field, wire, 2);
    if (field === 1) out.resource = readResource(r.sub());
    else if (field === 2) out.scopeLogs.push(readScopeLogs(r.sub()));
    else if (field === 3) r.string();
    else throw new Error(`ResourceLogs: unknown field ${field}`);
  }
  return out;
}

export function decodeProtobufLogs(bytes: Uint8Array): DecodedLogs {
  const r = new Reader(bytes);
  const out: DecodedLogs = { resourceLogs: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field !== 1) throw new Error(`ExportLogsServiceRequest: unknown field ${field}`);
    expectWire('ExportLogsServiceRequest', field, wire, 2);
    out.resourceLogs.push(readResourceLogs(r.sub()));
  }
  return out;
}

// ---------- JSON (OTLP/JSON: lowerCamelCase keys, 64-bit integers as decimal strings or numbers) ----------

type Json = Record<string, unknown>;

function onlyKeys(where: string, value: unknown, allowed: readonly string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: not an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new Error(`${where}: unknown key ${key}`);
  }
  return value as Json;
}

function jsonInt(where: string, value: unknown): bigint {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new Error(`${where}: not an integer: ${JSON.stringify(value)}`);
}

function jsonArray(where: string, value: unknown): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: not an array`);
  return value;
}

function jsonAnyValue(value: unknown): AnyValue {
  const v = onlyKeys('AnyValue', value, [
    'stringValue',
    'boolValue',
    'intValue',
    'doubleValue',
    'arrayValue',
    'kvlistValue',
    'bytesValue',
  ]);
  const keys = Object.keys(v);
  if (keys.length !== 1) throw new Error(`AnyValue: want one key, got ${keys.join(',')}`);
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) return jsonInt('AnyValue.intValue', v.intValue);
  if (typeof v.doubleValue === 'number') return v.doubleValue;
  if (v.arrayValue !== undefined) {
    const a = onlyKeys('ArrayValue', v.arrayValue, ['values']);
    return jsonArray('ArrayValue.values', a.values).map(jsonAnyValue);
  }
  if (v.kvlistValue !== undefined) {
    const l = onlyKeys('KeyValueList', v.kvlistValue, ['values']);
    return jsonAttributes(l.values);
  }
  throw new Error(`AnyValue: bad value ${JSON.stringify(v)}`);
}

function jsonAttributes(value: unknown): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  for (const item of jsonArray('attributes', value)) {
    const kv = onlyKeys('KeyValue', item, ['key', 'value']);
    if (typeof kv.key !== 'string') throw new Error('KeyValue: key not a string');
    if (kv.key in out) throw new Error(`duplicate attribute ${kv.key}`);
    out[kv.key] = jsonAnyValue(kv.value);
  }
  return out;
}

export function decodeJsonLogs(bytes: Uint8Array): DecodedLogs {
  const root = onlyKeys('ExportLogsServiceRequest', JSON.parse(new TextDecoder().decode(bytes)), ['resourceLogs']);
  return {
    resourceLogs: jsonArray('resourceLogs', root.resourceLogs).map((item) => {
      const rl = onlyKeys('ResourceLogs', item, ['resource', 'scopeLogs', 'schemaUrl']);
      const resource = onlyKeys('Resource', rl.resource, ['attributes', 'droppedAttributesCount']);
      return {
        resource: jsonAttributes(resource.attributes),
        scopeLogs: jsonArray('scopeLogs', rl.scopeLogs).map((s) => {
          const sl = onlyKeys('ScopeLogs', s, ['scope', 'logRecords', 'schemaUrl']);
          const scope = onlyKeys('InstrumentationScope', sl.scope, ['name', 'version', 'attributes', 'droppedAttributesCount']);
          if (typeof scope.name !== 'string') throw new Error('InstrumentationScope: name not a string');
          return {
            scope: {
              name: scope.name,
              ...(typeof scope.version === 'string' ? { version: scope.version } : {}),
              attributes: jsonAttributes(scope.attributes),
            },
            logRecords: jsonArray('logRecords', sl.logRecords).map((lr) => {
              const r = onlyKeys('LogRecord', lr, [
                'timeUnixNano',
                'observedTimeUnixNano',
                'severityNumber',
                'severityText',
                'body',
                'eventName',
                'attributes',
                'droppedAttributesCount',
                'flags',
                'traceId',
                'spanId',
              ]);
              const record: DecodedRecord = {
                timeUnixNano: jsonInt('timeUnixNano', r.timeUnixNano),
                observedTimeUnixNano: jsonInt('observedTimeUnixNano', r.observedTimeUnixNano),
                attributes: jsonAttributes(r.attributes),
                droppedAttributesCount: Number(r.droppedAttributesCount ?? 0),
              };
              if (r.severityNumber !== undefined) record.severityNumber = Number(r.severityNumber);
              if (typeof r.severityText === 'string') record.severityText = r.severityText;
              if (typeof r.eventName === 'string') record.eventName = r.eventName;
              // An AnyValue with no member set is how OTLP/JSON spells "no body" (the oneof is empty).
              const emptyBody = typeof r.body === 'object' && r.body !== null && Object.keys(r.body).length === 0;
              if (r.body !== undefined && !emptyBody) record.body = jsonAnyValue(r.body);
              return record;
            }),
          };
        }),
      };
    }),
  };
}

export function decodeLogs(contentType: string | undefined, bytes: Uint8Array): DecodedLogs {
  if (contentType === 'application/x-protobuf') return decodeProtobufLogs(bytes);
  if (contentType === 'application/json') return decodeJsonLogs(bytes);
  throw new Error(`unexpected content-type ${contentType}`);
}

/** Every record with its resource and scope, for assertions that do not care about grouping. */
export function flattenRecords(logs: DecodedLogs) {
  return logs.resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) => sl.logRecords.map((record) => ({ resource: rl.resource, scope: sl.scope, record }))),
  );
}
