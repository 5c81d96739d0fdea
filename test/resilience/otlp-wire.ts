import { connect, constants } from 'node:http2';

/**
 * Just enough of the OTLP wire formats to build valid requests and to damage them on purpose:
 * a protobuf writer for ExportLogsServiceRequest and a unary gRPC call over node:http2.
 */

export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  varint(field: number, value: number | bigint): this {
    this.parts.push(tagBytes(field, 0), varintBytes(BigInt(value)));
    return this;
  }

  fixed64(field: number, value: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(value);
    this.parts.push(tagBytes(field, 1), b);
    return this;
  }

  bytes(field: number, value: Uint8Array | string): this {
    const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    this.parts.push(tagBytes(field, 2), varintBytes(BigInt(b.length)), b);
    return this;
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  raw(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function tagBytes(field: number, wireType: number): Buffer {
  return varintBytes(BigInt((field << 3) | wireType));
}

export function varintBytes(v: bigint): Buffer {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  do {
    let byte = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) byte |= 0x80;
    out.push(byte);
  } while (x > 0n);
  return Buffer.from(out);
}

export interface SimpleLog {
  body: string | Uint8Array;
  attributes?: Record<string, string>;
  timeUnixNano?: bigint;
}

/** AnyValue{string_value} for a string, or raw bytes in the string field (to plant invalid UTF-8). */
function anyString(w: ProtoWriter, value: string | Uint8Array): void {
  w.bytes(1, value);
}

export function encodeLogsRequest(service: string, scope: string, logs: readonly SimpleLog[]): Buffer {
  const w = new ProtoWriter();
  w.message(1, (rl) => {
    rl.message(1, (res) => res.message(1, (kv) => kv.bytes(1, 'service.name').message(2, (v) => anyString(v, service))));
    rl.message(2, (sl) => {
      sl.message(1, (sc) => sc.bytes(1, scope));
      for (const log of logs) {
        sl.message(2, (lr) => {
          lr.fixed64(1, log.timeUnixNano ?? BigInt(Date.now()) * 1_000_000n);
          lr.varint(2, 9);
          lr.message(5, (v) => anyString(v, log.body));
          for (const [k, val] of Object.entries(log.attributes ?? {})) lr.message(6, (kv) => kv.bytes(1, k).message(2, (v) => anyString(v, val)));
        });
      }
    });
  });
  return w.finish();
}

export const GRPC_LOGS_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

export interface GrpcAnswer {
  /** grpc-status; -1 when none arrived. */
  status: number;
  message: string;
}

/** One unary gRPC call with a raw (already framed or not) body; `frame` adds the 5-byte prefix. */
export async function grpcCall(
  authority: string,
  body: Uint8Array,
  options: { frame?: boolean; headers?: Record<string, string>; path?: string; ca?: string | Buffer; timeoutMs?: number } = {},
): Promise<GrpcAnswer> {
  const payload = options.frame === false ? Buffer.from(body) : grpcFrame(body);
  const session = connect(authority, options.ca ? { ca: options.ca } : {});
  try {
    return await new Promise<GrpcAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gRPC call to ${authority} timed out`)), options.timeoutMs ?? 15_000);
      session.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      const stream = session.request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: options.path ?? GRPC_LOGS_PATH,
        [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
        te: 'trailers',
        ...(options.headers ?? {}),
      });
      let status: string | undefined;
      let message = '';
      const take = (h: Record<string, unknown>) => {
        if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
        if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
      };
      stream.on('response', take);
      stream.on('trailers', take);
      stream.on('data', () => {});
      stream.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      stream.on('close', () => {
        clearTimeout(timer);
        resolve({ status: status === undefined ? -1 : Number(status), message });
      });
      stream.end(payload);
    });
  } finally {
    session.close();
  }
}

export function grpcFrame(message: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

export const GRPC_STATUS = { OK: 0, INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16, UNIMPLEMENTED: 12 } as const;
