import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeLogs, type LogEvent } from '../src/encode.js';
import { SCOPE_NAME } from '../src/names.js';
import { decodeLogs, flattenRecords } from './helpers/otlp-decode.js';

// The client encodes its requests itself (encode.ts says why). The reference is the OpenTelemetry SDK's
// own serializer, @opentelemetry/otlp-transformer: for every event shape the client sends, both encodings
// must be byte for byte what the SDK would send for the same log records.

type ReferenceInput = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0];

/** The same events as the SDK's ReadableLogRecords: one resource and one scope object shared by all. */
function sdkRecords(resource: Record<string, string>, events: readonly LogEvent[]): ReferenceInput {
  const sharedResource = { attributes: { ...resource }, schemaUrl: undefined };
  const instrumentationScope = { name: SCOPE_NAME };
  return events.map((event) => {
    const seconds = Math.floor(event.timeMs / 1000);
    const time = [seconds, Math.round((event.timeMs - seconds * 1000) * 1e6)];
    return {
      hrTime: time,
      hrTimeObserved: time,
      severityNumber: 9,
      severityText: 'INFO',
      eventName: event.eventName,
      attributes: { ...event.attributes },
      droppedAttributesCount: 0,
      resource: sharedResource,
      instrumentationScope,
    };
  }) as unknown as ReferenceInput;
}

const RESOURCE = { 'service.name': 'tiny-cli', 'service.version': '1.2.3', 'cli.fingerprint': '0123456789abcdef0123456789abcdef' };

const CASES: Array<[string, Record<string, string>, LogEvent[]]> = [
  ['a command with its exit code', RESOURCE, [{ eventName: 'cli.command', timeMs: 1_767_225_600_123, attributes: { 'event.name': 'cli.command', 'cli.verb': 'db migrate', 'cli.exit_code': 3 } }]],
  ['a command without one', RESOURCE, [{ eventName: 'cli.command', timeMs: 1_700_000_000_000, attributes: { 'event.name': 'cli.command', 'cli.verb': 'greet' } }]],
  ['a negative and the largest exit codes', RESOURCE, [
    { eventName: 'cli.command', timeMs: 1_700_000_000_001, attributes: { 'cli.exit_code': -1 } },
    { eventName: 'cli.command', timeMs: 1_700_000_000_002, attributes: { 'cli.exit_code': 2 ** 31 - 1 } },
    { eventName: 'cli.command', timeMs: 1_700_000_000_003, attributes: { 'cli.exit_code': -(2 ** 31) } },
  ]],
  ['a heartbeat with its usage records', { 'service.name': 'server', 'service.version': 'unknown', 'service.instance.id': 'f'.repeat(32) }, [
    { eventName: 'cli.heartbeat', timeMs: 1_767_225_600_999, attributes: { 'event.name': 'cli.heartbeat', 'heartbeat.dropped': 0, 'heartbeat.size.users': '11-50' } },
    { eventName: 'cli.usage', timeMs: 1_767_225_600_999, attributes: { 'event.name': 'cli.usage', 'usage.category': 'api', 'usage.name': 'users.list', 'usage.count': 1_000_000 } },
    { eventName: 'cli.usage', timeMs: 1_767_225_600_999, attributes: { 'event.name': 'cli.usage', 'usage.category': 'command', 'usage.name': 'deploy preview', 'usage.count': 2 ** 40 } },
  ]],
  ['text beyond ASCII and long values', { 'service.name': 'outil-été', 'service.version': '2.0.0+build.7' }, [
    { eventName: 'cli.command', timeMs: 0, attributes: { 'cli.verb': 'añadir 日本', 'x.long': 'v'.repeat(300), 'x.empty': '' } },
  ]],
  ['a fractional number', RESOURCE, [{ eventName: 'cli.usage', timeMs: 1_700_000_000_500.25, attributes: { 'usage.count': 1.5 } }]],
];

describe('encodeLogs', () => {
  it.each(CASES)('http/protobuf, %s: the SDK serializer\'s bytes', (_name, resource, events) => {
    const ours = encodeLogs('http/protobuf', resource, events);
    expect(ours.contentType).toBe('application/x-protobuf');
    expect(Buffer.from(ours.body).toString('hex')).toBe(Buffer.from(ProtobufLogsSerializer.serializeRequest(sdkRecords(resource, events))!).toString('hex'));
    expect(flattenRecords(decodeLogs(ours.contentType, ours.body))).toHaveLength(events.length);
  });

  it.each(CASES)('http/json, %s: the SDK serializer\'s bytes', (_name, resource, events) => {
    const ours = encodeLogs('http/json', resource, events);
    expect(ours.contentType).toBe('application/json');
    expect(Buffer.from(ours.body).toString('utf8')).toBe(Buffer.from(JsonLogsSerializer.serializeRequest(sdkRecords(resource, events))!).toString('utf8'));
    expect(flattenRecords(decodeLogs(ours.contentType, ours.body))).toHaveLength(events.length);
  });
});
