import { describe, expect, it } from 'vitest';
import {
  ATTR_EVENT_NAME,
  ATTR_EXIT_CODE,
  ATTR_VERB,
  createUsageTelemetry,
  EVENT_COMMAND,
  RESOURCE_FINGERPRINT,
  RESOURCE_SERVICE_NAME,
  RESOURCE_SERVICE_VERSION,
  SCOPE_NAME,
  type OtlpProtocol,
} from '../src/index.js';
import { homeAndSinkPerTest, type isolatedHome } from './helpers/env.js';
import { decodeJsonLogs, decodeLogs, decodeProtobufLogs, flattenRecords } from './helpers/otlp-decode.js';
import type { Sink } from './helpers/servers.js';

let home: ReturnType<typeof isolatedHome>;
let sink: Sink;
homeAndSinkPerTest((h, s) => {
  home = h;
  sink = s;
});

describe.each<[OtlpProtocol, string]>([
  ['http/protobuf', 'application/x-protobuf'],
  ['http/json', 'application/json'],
])('a cli.command event over %s', (protocol, contentType) => {
  it('is one well-formed OTLP logs request with the agreed names', async () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const telemetry = createUsageTelemetry({
      service: 'tiny-cli',
      version: '1.2.3',
      endpoint: sink.url,
      protocol,
      env: home.env,
    });
    expect(await telemetry.track('db migrate', { exit: 3 })).toBe('sent');
    const after = BigInt(Date.now()) * 1_000_000n;

    expect(sink.requests).toHaveLength(1);
    const request = sink.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/logs');
    expect(request.contentType).toBe(contentType);

    const logs = decodeLogs(request.contentType, request.body);
    expect(logs.resourceLogs).toHaveLength(1);
    const [{ resource, scope, record }] = flattenRecords(logs) as [ReturnType<typeof flattenRecords>[number]];
    expect(Object.keys(resource).sort()).toEqual(
      [RESOURCE_FINGERPRINT, RESOURCE_SERVICE_NAME, RESOURCE_SERVICE_VERSION].sort(),
    );
    expect(resource[RESOURCE_SERVICE_NAME]).toBe('tiny-cli');
    expect(resource[RESOURCE_SERVICE_VERSION]).toBe('1.2.3');
    expect(resource[RESOURCE_FINGERPRINT]).toMatch(/^[0-9a-f]{32}$/);
    expect(scope.name).toBe(SCOPE_NAME);
    expect(record.eventName).toBe(EVENT_COMMAND);
    expect(record.attributes).toEqual({
      [ATTR_EVENT_NAME]: EVENT_COMMAND,
      [ATTR_VERB]: 'db migrate',
      // An int64 (bigint after decoding), not a string or a double.
      [ATTR_EXIT_CODE]: 3n,
    });
    expect(record.body).toBeUndefined();
    expect(record.timeUnixNano).toBeGreaterThanOrEqual(before - 1_000_000n);
    expect(record.timeUnixNano).toBeLessThanOrEqual(after);
    expect(record.observedTimeUnixNano).toBe(record.timeUnixNano);
  });
});

describe('the strict decoders', () => {
  it('reject bytes that are not an OTLP logs request', () => {
    // Guards the guard: a decoder that accepted anything would make the tests above pass vacuously.
    expect(() => decodeProtobufLogs(Uint8Array.from([0x0a, 0x05, 0x01]))).toThrow();
    expect(() => decodeProtobufLogs(Uint8Array.from([0x12, 0x00]))).toThrow(/unknown field 2/);
    expect(() => decodeJsonLogs(new TextEncoder().encode('{"resourceSpans":[]}'))).toThrow(/unknown key/);
  });
});

it('the same fingerprint is sent on every run of one installation', async () => {
  const options = { service: 'tiny-cli', version: '1', endpoint: sink.url, env: home.env };
  await createUsageTelemetry(options).track('a');
  await createUsageTelemetry(options).track('b');
  const ids = sink.requests.map((r) => flattenRecords(decodeProtobufLogs(r.body))[0]!.resource[RESOURCE_FINGERPRINT]);
  expect(ids).toHaveLength(2);
  expect(ids[0]).toBe(ids[1]);
});

it('a full /v1/logs URL is used as given, a base URL gets /v1/logs appended', async () => {
  const base = createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: `${sink.url}/otlp/`, env: home.env });
  const full = createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: `${sink.url}/custom/v1/logs`, env: home.env });
  expect(await base.track('a')).toBe('sent');
  expect(await full.track('a')).toBe('sent');
  expect(sink.requests.map((r) => r.path)).toEqual(['/otlp/v1/logs', '/custom/v1/logs']);
});
