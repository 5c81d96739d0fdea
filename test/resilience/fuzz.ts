import { gzipSync } from 'node:zlib';
import { encodeLogsRequest, ProtoWriter, tagBytes, varintBytes } from './otlp-wire.js';

/**
 * A small seeded fuzzer for OTLP/HTTP requests. Each case names its category and the statuses the
 * OTLP receiver may answer for it (docs/resilience.md lists them): a category built to be
 * undecodable allows only 4xx; one that mutates a valid payload also allows 200, since a mutation
 * can land on something that still decodes (a flipped letter inside a string, a protobuf cut at a
 * field boundary).
 */

export type Rng = () => number;

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export function randomBytes(r: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

export function randomText(r: Rng, n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789{}[]":,.-_/\\\n\té€😀';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

export interface FuzzCase {
  category: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** HTTP statuses the receiver may answer; anything else is a finding. 500 only with JSON_ERROR_FALLBACK_BODY. */
  allowed: readonly number[];
}

const JSON_CT = { 'content-type': 'application/json' };

/**
 * The receiver echoes the offending bytes of a JSON decode error in its error status; when those
 * bytes are not UTF-8 it cannot marshal that status and answers 500 with this fixed body instead
 * of 400 (otlpreceiver otlphttp.go, fallbackMsg). OTLP clients treat 500 as non-retryable, as
 * they do 400, so the request is dropped either way.
 */
export const JSON_ERROR_FALLBACK_BODY = '{"code": 13, "message": "failed to marshal error message"}';
const PROTO_CT = { 'content-type': 'application/x-protobuf' };

/** Who the payload claims to be: profiles the stack accepts, so accepted cases go through the whole chain. */
const SOURCES = [
  { service: 'fuzz-cli', scope: 'telemetry-stack/client' },
  { service: 'claude-code', scope: 'com.anthropic.claude_code.events' },
  { service: 'unlisted', scope: 'nobody' },
];

function anyValueJson(r: Rng, depth = 0): unknown {
  const kind = depth > 2 ? int(r, 0, 3) : int(r, 0, 5);
  switch (kind) {
    case 0:
      return { stringValue: randomText(r, int(r, 0, 40)) };
    case 1:
      return { intValue: String(int(r, -1e6, 1e6)) };
    case 2:
      return { doubleValue: r() * 1000 };
    case 3:
      return { boolValue: r() < 0.5 };
    case 4:
      return { arrayValue: { values: Array.from({ length: int(r, 0, 3) }, () => anyValueJson(r, depth + 1)) } };
    default:
      return { kvlistValue: { values: Array.from({ length: int(r, 0, 3) }, () => ({ key: randomText(r, 5), value: anyValueJson(r, depth + 1) })) } };
  }
}

/** A valid OTLP/JSON logs request with random content. */
export function validLogsJson(r: Rng): string {
  const src = pick(r, SOURCES);
  const records = Array.from({ length: int(r, 1, 5) }, () => ({
    timeUnixNano: String(BigInt(Date.now()) * 1_000_000n + BigInt(int(r, 0, 1e6))),
    severityNumber: int(r, 0, 24),
    body: anyValueJson(r),
    attributes: [
      { key: 'event.name', value: { stringValue: 'cli.command' } },
      { key: 'cli.verb', value: { stringValue: randomText(r, 8) } },
      ...Array.from({ length: int(r, 0, 4) }, () => ({ key: randomText(r, 6), value: anyValueJson(r) })),
    ],
  }));
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: src.service } }] },
        scopeLogs: [{ scope: { name: src.scope }, logRecords: records }],
      },
    ],
  });
}

export function validLogsProto(r: Rng): Buffer {
  const src = pick(r, SOURCES);
  return encodeLogsRequest(
    src.service,
    src.scope,
    Array.from({ length: int(r, 1, 5) }, () => ({ body: randomText(r, int(r, 0, 60)), attributes: { 'event.name': 'cli.command', 'cli.verb': randomText(r, 8) } })),
  );
}

function mutate(r: Rng, input: Buffer): Buffer {
  const b = Buffer.from(input);
  const edits = int(r, 1, 8);
  let out = b;
  for (let i = 0; i < edits && out.length > 0; i++) {
    const at = int(r, 0, out.length - 1);
    switch (int(r, 0, 2)) {
      case 0:
        out[at] = Math.floor(r() * 256);
        break;
      case 1:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
        break;
      default:
        out = Buffer.concat([out.subarray(0, at), randomBytes(r, int(r, 1, 4)), out.subarray(at)]);
    }
  }
  return out;
}

/** Nested kvlist or array values, written as text: JSON.stringify would recurse as deep. */
export function deepJson(r: Rng, depth: number): string {
  const list = r() < 0.5;
  const open = list ? '{"arrayValue":{"values":['.repeat(depth) : '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth);
  const close = list ? ']}}'.repeat(depth) : '}]}}'.repeat(depth);
  const src = pick(r, SOURCES);
  return `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"${src.service}"}}]},"scopeLogs":[{"scope":{"name":"${src.scope}"},"logRecords":[{"body":${open}{"stringValue":"leaf"}${close},"attributes":[{"key":"event.name","value":{"stringValue":"cli.command"}}]}]}]}]}`;
}

export function deepProto(r: Rng, depth: number): Buffer {
  // Built inside out: each level wraps the previous AnyValue in AnyValue{kvlist{values[{key, value}]}}.
  let value = new ProtoWriter().bytes(1, 'leaf').finish();
  for (let i = 0; i < depth; i++) {
    const kv = new ProtoWriter().bytes(1, 'k').bytes(2, value).finish();
    const list = new ProtoWriter().bytes(1, kv).finish();
    value = new ProtoWriter().bytes(6, list).finish();
  }
  const src = pick(r, SOURCES);
  const record = new ProtoWriter()
    .fixed64(1, BigInt(Date.now()) * 1_000_000n)
    .bytes(5, value)
    .finish();
  const scopeLogs = new ProtoWriter()
    .message(1, (s) => s.bytes(1, src.scope))
    .bytes(2, record)
    .finish();
  const resource = new ProtoWriter().message(1, (kv) => kv.bytes(1, 'service.name').message(2, (v) => v.bytes(1, src.service))).finish();
  return new ProtoWriter().message(1, (rl) => rl.bytes(1, resource).bytes(2, scopeLogs)).finish();
}

/** Invalid UTF-8 in string values: lone continuation bytes, overlong forms, surrogates, 0xFF. */
const BAD_UTF8 = [Buffer.from([0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff, 0xfe]), Buffer.from([0xe2, 0x82])];

function invalidUtf8Json(r: Rng): Buffer {
  const marker = 'ZZBADZZ';
  const text = validLogsJson(r).replace('"cli.command"', `"cli.${marker}"`);
  const [a, b] = text.split(marker) as [string, string];
  return Buffer.concat([Buffer.from(a), pick(r, BAD_UTF8), Buffer.from(b)]);
}

function invalidUtf8Proto(r: Rng): Buffer {
  const src = pick(r, SOURCES);
  return encodeLogsRequest(src.service, src.scope, [{ body: Buffer.concat([Buffer.from('x'), pick(r, BAD_UTF8)]), attributes: { 'event.name': 'cli.command' } }]);
}

function wrongTypesJson(r: Rng): string {
  const weird = () => pick(r, [null, 1, -1, 'x', true, [], {}, [1, 2], { a: 1 }, '99999999999999999999999', 1e308]);
  const doc = JSON.parse(validLogsJson(r)) as { resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[]; resource: Record<string, unknown> }[] };
  const rl = doc.resourceLogs[0]!;
  const rec = rl.scopeLogs[0]!.logRecords[0]!;
  const where = int(r, 0, 6);
  if (where === 0) (doc as Record<string, unknown>)['resourceLogs'] = weird();
  else if (where === 1) (rl as Record<string, unknown>)['scopeLogs'] = weird();
  else if (where === 2) rec['timeUnixNano'] = weird();
  else if (where === 3) rec['body'] = weird();
  else if (where === 4) rec['attributes'] = weird();
  else if (where === 5) rec['severityNumber'] = weird();
  else rl.resource['attributes'] = weird();
  return JSON.stringify(doc);
}

function badWireType(r: Rng): Buffer {
  // Wire types 6 and 7 do not exist; a decoder must refuse the first tag.
  return Buffer.concat([varintBytes(BigInt((int(r, 1, 20) << 3) | pick(r, [6, 7]))), randomBytes(r, int(r, 0, 30))]);
}

function badLength(r: Rng): Buffer {
  const valid = validLogsProto(r);
  // A length-delimited field 1 claiming more bytes than the request holds.
  return Buffer.concat([tagBytes(1, 2), varintBytes(BigInt(valid.length + int(r, 1, 1e6))), valid]);
}

let oversizedCache: { json: Buffer; proto: Buffer; bomb: Buffer } | undefined;

/** Built once: 21 MiB each (the receiver's default body limit is 20 MiB), and a gzip bomb of 200 MiB zeros. */
function oversized(): { json: Buffer; proto: Buffer; bomb: Buffer } {
  if (!oversizedCache) {
    const big = 'x'.repeat(21 * 1024 * 1024);
    oversizedCache = {
      json: Buffer.from(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"${big}"}}]}]}]}`),
      proto: encodeLogsRequest('fuzz-cli', 'telemetry-stack/client', [{ body: big }]),
      bomb: gzipSync(Buffer.alloc(200 * 1024 * 1024)),
    };
  }
  return oversizedCache;
}

/**
 * The mix: `count` cases from `seed`. Heavy categories (21 MiB bodies, the gzip bomb) are a fixed
 * small number so the run stays short; deep nesting stays at or below `maxDepth` levels.
 */
export function* otlpCases(seed: number, count: number, maxDepth: number): Generator<FuzzCase> {
  const r = rng(seed);
  const heavy = Math.min(12, Math.floor(count / 500));
  for (let i = 0; i < heavy; i++) {
    const o = oversized();
    const which = i % 3;
    if (which === 0) yield { category: 'oversized-json', method: 'POST', path: '/v1/logs', headers: JSON_CT, body: o.json, allowed: [400, 413] };
    else if (which === 1) yield { category: 'oversized-proto', method: 'POST', path: '/v1/logs', headers: PROTO_CT, body: o.proto, allowed: [400, 413] };
    else yield { category: 'gzip-bomb', method: 'POST', path: '/v1/logs', headers: { ...PROTO_CT, 'content-encoding': 'gzip' }, body: o.bomb, allowed: [400, 413] };
  }
  for (let i = heavy; i < count; i++) {
    const kind = int(r, 0, 17);
    switch (kind) {
      case 0: {
        const valid = Buffer.from(validLogsJson(r));
        yield { category: 'json-truncated', method: 'POST', path: '/v1/logs', headers: JSON_CT, body: valid.subarray(0, int(r, 1, valid.length - 2)), allowed: [400, 500] };
        break;
      }
      case 1:
      case 2:
        yield { category: 'json-mutated', method: 'POST', path: '/v1/logs', headers: JSON_CT, body: mutate(r, Buffer.from(validLogsJson(r))), allowed: [200, 400, 500] };
        break;
      case 3:
        yield {
          category: 'json-garbage',
          method: 'POST',
          path: '/v1/logs',
          headers: JSON_CT,
          body: r() < 0.5 ? Buffer.from(randomText(r, int(r, 1, 400))) : randomBytes(r, int(r, 1, 400)),
          allowed: [200, 400, 500],
        };
        break;
      case 4:
        yield { category: 'json-wrong-types', method: 'POST', path: '/v1/logs', headers: JSON_CT, body: Buffer.from(wrongTypesJson(r)), allowed: [200, 400, 500] };
        break;
      case 5:
        yield { category: 'json-invalid-utf8', method: 'POST', path: '/v1/logs', headers: JSON_CT, body: invalidUtf8Json(r), allowed: [200, 400] };
        break;
      case 6:
        yield { category: 'json-deep', method: 'POST', path: '/v1/logs', headers: JSON_CT, body: Buffer.from(deepJson(r, int(r, 10, maxDepth))), allowed: [200, 400] };
        break;
      case 7: {
        const valid = validLogsProto(r);
        yield { category: 'proto-truncated', method: 'POST', path: '/v1/logs', headers: PROTO_CT, body: valid.subarray(0, int(r, 1, valid.length - 1)), allowed: [200, 400] };
        break;
      }
      case 8:
      case 9:
        yield { category: 'proto-mutated', method: 'POST', path: '/v1/logs', headers: PROTO_CT, body: mutate(r, validLogsProto(r)), allowed: [200, 400] };
        break;
      case 10:
        yield { category: 'proto-garbage', method: 'POST', path: '/v1/logs', headers: PROTO_CT, body: randomBytes(r, int(r, 1, 400)), allowed: [200, 400] };
        break;
      case 11:
        yield { category: 'proto-bad-wire-type', method: 'POST', path: '/v1/logs', headers: PROTO_CT, body: badWireType(r), allowed: [400] };
        break;
      case 12:
        yield { category: 'proto-bad-length', method: 'POST', path: '/v1/logs', headers: PROTO_CT, body: badLength(r), allowed: [400] };
        break;
      case 13:
        yield { category: 'proto-invalid-utf8', method: 'POST', path: '/v1/logs', headers: PROTO_CT, body: invalidUtf8Proto(r), allowed: [200, 400] };
        break;
      case 14:
        yield { category: 'proto-deep', method: 'POST', path: '/v1/logs', headers: PROTO_CT, body: deepProto(r, int(r, 10, maxDepth)), allowed: [200, 400] };
        break;
      case 15: {
        const ct = pick(r, ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/x-www-form-urlencoded', '']);
        yield { category: 'wrong-content-type', method: 'POST', path: '/v1/logs', headers: ct ? { 'content-type': ct } : {}, body: Buffer.from(validLogsJson(r)), allowed: [415] };
        break;
      }
      case 16: {
        const enc = pick(r, ['gzip', 'deflate', 'zstd', 'snappy', 'lz4', 'br', 'x-unknown']);
        yield { category: 'bad-content-encoding', method: 'POST', path: '/v1/logs', headers: { ...JSON_CT, 'content-encoding': enc }, body: randomBytes(r, int(r, 1, 200)), allowed: [400] };
        break;
      }
      default: {
        const m = pick(r, [
          { method: 'GET', path: '/v1/logs', allowed: [405] },
          { method: 'PUT', path: '/v1/logs', allowed: [405] },
          { method: 'DELETE', path: '/v1/metrics', allowed: [405] },
          { method: 'POST', path: '/v1/nothing', allowed: [404] },
          { method: 'POST', path: '/v1/logs/extra', allowed: [404] },
          { method: 'POST', path: '/v1/traces', allowed: [404] },
          { method: 'POST', path: '/v1/metrics', allowed: [400, 500] },
        ]);
        // 0xFF can start no JSON text, so the metrics body is undecodable whatever follows.
        const body = m.path === '/v1/metrics' ? Buffer.concat([Buffer.from([0xff]), randomBytes(r, 50)]) : Buffer.from(validLogsJson(r));
        yield { category: `method-path ${m.method} ${m.path}`, method: m.method, path: m.path, headers: JSON_CT, ...(m.method === 'GET' ? {} : { body }), allowed: m.allowed };
      }
    }
  }
}
