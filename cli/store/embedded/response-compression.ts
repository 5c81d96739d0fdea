import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * HTTP response compression, as ClickHouse does it: only when the request sets
 * `enable_http_compression=1` and names a codec in Accept-Encoding. Node 20 has gzip, deflate
 * and br; a client asking only for zstd or lz4 gets an uncompressed body, which every client
 * accepts because the Content-Encoding header says so.
 */
export type Codec = 'gzip' | 'deflate' | 'br';

const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);
const brotli = promisify(zlib.brotliCompress);

export function pickCodec(enabled: boolean, acceptEncoding: string | undefined): Codec | undefined {
  if (!enabled || acceptEncoding === undefined) return undefined;
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p))) continue;
    if (name === 'gzip' || name === 'x-gzip') return 'gzip';
    if (name === 'deflate') return 'deflate';
    if (name === 'br') return 'br';
  }
  return undefined;
}

export async function compress(codec: Codec, data: Uint8Array): Promise<Buffer> {
  switch (codec) {
    case 'gzip':
      return gzip(data, { level: 3 });
    case 'deflate':
      return deflate(data, { level: 3 });
    case 'br':
      return brotli(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
  }
}
