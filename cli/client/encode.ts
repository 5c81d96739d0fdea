import type { ISerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { SCOPE_NAME } from './names.js';

// Encoding is done by @opentelemetry/otlp-transformer, loaded with import() on the first send only, so a
// host that imports this library and never sends (disabled, opted out, CI) never loads it.
//
// The serializers are loaded from their own files inside the package rather than from its index: the
// index also loads the metrics and trace code, which pulls in @opentelemetry/sdk-metrics, resources and
// core (about 190 modules, ~100-170 ms on a cold start here), while the logs protobuf serializer alone is
// about 60 modules (~30-50 ms). The package declares no "exports" map, so these paths are public to
// Node's resolver; if a future version moves them, the index is used instead and only speed is lost.

export type OtlpProtocol = 'http/protobuf' | 'http/json';

type LogsRequest = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0];
type LogsSerializer = ISerializer<LogsRequest, unknown>;

export interface LogEvent {
  eventName: string;
  attributes: Readonly<Record<string, string | number>>;
  timeMs: number;
}

export interface EncodedRequest {
  body: Uint8Array;
  contentType: string;
}

const CONTENT_TYPE: Record<OtlpProtocol, string> = {
  'http/protobuf': 'application/x-protobuf',
  'http/json': 'application/json',
};

const loaded = new Map<OtlpProtocol, Promise<LogsSerializer>>();

async function importSerializer(protocol: OtlpProtocol): Promise<LogsSerializer> {
  if (protocol === 'http/json') {
    try {
      return (await import('@opentelemetry/otlp-transformer/build/src/logs/json/index.js')).JsonLogsSerializer;
    } catch {
      return (await import('@opentelemetry/otlp-transformer')).JsonLogsSerializer;
    }
  }
  try {
    return (await import('@opentelemetry/otlp-transformer/build/src/logs/protobuf/index.js'))
      .ProtobufLogsSerializer;
  } catch {
    return (await import('@opentelemetry/otlp-transformer')).ProtobufLogsSerializer;
  }
}

export function loadSerializer(protocol: OtlpProtocol): Promise<LogsSerializer> {
  let pending = loaded.get(protocol);
  if (!pending) {
    pending = importSerializer(protocol);
    // A failed load is not cached, so a later send can try again.
    pending.catch(() => loaded.delete(protocol));
    loaded.set(protocol, pending);
  }
  return pending;
}

function hrTime(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/**
 * Builds the subset of the SDK's ReadableLogRecord that the serializers read. A real SDK Resource would
 * need @opentelemetry/resources loaded just to hold four attributes; the serializers read only
 * `resource.attributes` and `resource.schemaUrl`. The tests decode the bytes (JSON and protobuf) against
 * the OTLP field layout, so a serializer that starts reading more fields fails there, not in a host.
 * All records share one resource and one scope object because the serializers group by identity.
 */
function toLogRecords(resourceAttributes: Readonly<Record<string, string>>, events: readonly LogEvent[]): LogsRequest {
  const resource = { attributes: { ...resourceAttributes }, schemaUrl: undefined };
  const instrumentationScope = { name: SCOPE_NAME };
  return events.map((event) => {
    const time = hrTime(event.timeMs);
    return {
      hrTime: time,
      hrTimeObserved: time,
      severityNumber: 9,
      severityText: 'INFO',
      eventName: event.eventName,
      attributes: { ...event.attributes },
      droppedAttributesCount: 0,
      resource,
      instrumentationScope,
    };
  }) as unknown as LogsRequest;
}

export async function encodeLogs(
  protocol: OtlpProtocol,
  resourceAttributes: Readonly<Record<string, string>>,
  events: readonly LogEvent[],
): Promise<EncodedRequest> {
  const serializer = await loadSerializer(protocol);
  const body = serializer.serializeRequest(toLogRecords(resourceAttributes, events));
  if (!body) throw new Error('the OTLP serializer returned no bytes');
  return { body, contentType: CONTENT_TYPE[protocol] };
}
