import { connect, constants, type ClientHttp2Session } from 'node:http2';

/**
 * OTLP/gRPC without a gRPC library: a unary call is an HTTP/2 POST whose body is one length-prefixed
 * message (1 byte "compressed" flag, 4 bytes big-endian length, the protobuf bytes), answered with a
 * length-prefixed response and a grpc-status trailer.
 */

export const GRPC_PATHS = {
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
} as const;

export interface GrpcResult {
  /** grpc-status (0 = OK); -1 when the server sent none. */
  status: number;
  message: string;
  /** The response message bytes (without the 5-byte prefix). */
  response: Buffer;
}

export function grpcFrame(message: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(0, 0);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/** One unary Export call to 127.0.0.1:<port>, bounded by `timeoutMs`. */
export async function grpcExport(port: number, signal: keyof typeof GRPC_PATHS, message: Uint8Array, timeoutMs = 15_000): Promise<GrpcResult> {
  const session: ClientHttp2Session = connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise<GrpcResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gRPC ${signal} export to 127.0.0.1:${port} timed out after ${timeoutMs} ms`)), timeoutMs);
      session.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      const stream = session.request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: GRPC_PATHS[signal],
        [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
        te: 'trailers',
      });
      const chunks: Buffer[] = [];
      let headerStatus: string | undefined;
      let headerMessage: string | undefined;
      let trailerStatus: string | undefined;
      let trailerMessage: string | undefined;
      stream.on('response', (headers) => {
        // A trailers-only answer (an error before any message) carries grpc-status in the headers.
        headerStatus = headers['grpc-status'] as string | undefined;
        headerMessage = headers['grpc-message'] as string | undefined;
      });
      stream.on('trailers', (trailers) => {
        trailerStatus = trailers['grpc-status'] as string | undefined;
        trailerMessage = trailers['grpc-message'] as string | undefined;
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      stream.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        const length = body.length >= 5 ? body.readUInt32BE(1) : 0;
        const status = trailerStatus ?? headerStatus;
        resolve({
          status: status === undefined ? -1 : Number(status),
          message: decodeURIComponent(trailerMessage ?? headerMessage ?? ''),
          response: body.subarray(5, 5 + length),
        });
      });
      stream.end(grpcFrame(message));
    });
  } finally {
    session.close();
  }
}
