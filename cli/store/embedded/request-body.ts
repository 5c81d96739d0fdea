import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Readable, pipeline as pipeStreams } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import { ClickHouseHttpError, ErrorCode } from './errors.js';
import { scanStatement, type InsertData, type ScanResult } from './sql-scan.js';

/**
 * The statement of one request and, for an INSERT with inline data, that data on disk.
 *
 * ClickHouse reads the statement as the `query` parameter, a newline, then the request body.
 * For `INSERT ... FORMAT x` the data starts right after the header, and it can be large and
 * binary (clickhouse-go sends Native blocks), so it is streamed to a spool file and inserted with
 * `FROM INFILE`; only the header is held in memory. Everything else must fit in memory whole.
 */

/** ClickHouse's default max_query_size: the part before the inline data must fit in it. */
export const MAX_INSERT_HEADER_BYTES = 256 * 1024;
/** A SELECT (or any statement without inline data) sent in the body. */
export const MAX_STATEMENT_BYTES = 16 * 1024 * 1024;

export type ParsedRequest =
  | { kind: 'statement'; sql: string; scan: Extract<ScanResult, { state: 'statement' }> }
  | { kind: 'insert'; sql: string; spoolPath: string; dataBytes: number; insert: InsertData; cleanup: () => Promise<void> };

/** The request body with any HTTP Content-Encoding removed. */
export function decodedBody(req: IncomingMessage): Readable {
  const enc = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  switch (enc) {
    case '':
    case 'identity':
    case 'none':
      return req;
    // pipeline, not pipe: a client that disconnects mid-body must fail the read, not stall it.
    case 'gzip':
    case 'x-gzip':
      return pipeStreams(req, zlib.createGunzip(), () => undefined);
    case 'deflate':
      return pipeStreams(req, zlib.createInflate(), () => undefined);
    case 'br':
      return pipeStreams(req, zlib.createBrotliDecompress(), () => undefined);
    default:
      throw new ClickHouseHttpError(
        ErrorCode.BAD_ARGUMENTS,
        `Unsupported Content-Encoding '${enc}': the embedded engine decodes gzip, deflate and br`,
      );
  }
}

function decompressError(err: unknown): ClickHouseHttpError {
  if (err instanceof ClickHouseHttpError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code === 'ERR__ERROR_FORMAT_PADDING_1') {
    return new ClickHouseHttpError(ErrorCode.CANNOT_DECOMPRESS, `Cannot decompress the request body: ${String((err as Error).message)}`);
  }
  return new ClickHouseHttpError(ErrorCode.UNKNOWN_EXCEPTION, `reading the request body failed: ${String((err as Error).message ?? err)}`);
}

export async function parseRequest(
  query: string | undefined,
  body: Readable,
  spoolDir: string,
  isFormatName: (name: string) => boolean,
): Promise<ParsedRequest> {
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  // ClickHouse appends the newline only after a non-empty query parameter.
  if (query !== undefined && query !== '') chunks.push(Buffer.from(`${query}\n`, 'utf8'));
  let head = Buffer.concat(chunks);
  let ended = false;
  let bodyBytes = 0;

  const next = async (): Promise<boolean> => {
    try {
      const r = await it.next();
      if (r.done) {
        ended = true;
        return false;
      }
      const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
      bodyBytes += chunk.length;
      chunks.push(chunk);
      return true;
    } catch (err) {
      throw decompressError(err);
    }
  };

  for (;;) {
    const scan = scanStatement(head.toString('latin1'), ended, isFormatName);
    if (scan.state === 'statement') {
      return { kind: 'statement', sql: head.toString('utf8'), scan };
    }
    if (scan.state === 'insert-data') {
      return spoolInsert(head, scan, it, spoolDir);
    }
    // Incomplete: an INSERT header must fit in max_query_size; any other statement is read whole.
    const looksLikeInsert = /^\s*(--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*insert\b/i.test(head.subarray(0, 4096).toString('latin1'));
    const limit = looksLikeInsert ? MAX_INSERT_HEADER_BYTES : MAX_STATEMENT_BYTES;
    if (head.length > limit) {
      throw new ClickHouseHttpError(
        ErrorCode.QUERY_IS_TOO_LARGE,
        looksLikeInsert
          ? `Max query size exceeded: the INSERT header (before FORMAT/VALUES data) is over ${limit} bytes`
          : `Max query size exceeded: a statement without inline data is limited to ${limit} bytes`,
      );
    }
    if (!looksLikeInsert) {
      // The statement is needed whole anyway: read to the end (or past the limit) before scanning again.
      let total = head.length;
      while (total <= limit && (await next())) total += (chunks.at(-1) as Buffer).length;
    } else {
      await next();
    }
    head = Buffer.concat(chunks);
  }
}

async function spoolInsert(
  head: Buffer,
  scan: InsertData,
  it: AsyncIterator<Buffer>,
  spoolDir: string,
): Promise<ParsedRequest> {
  const spoolPath = join(spoolDir, `${randomUUID()}.bin`);
  const cleanup = async (): Promise<void> => {
    await unlink(spoolPath).catch(() => undefined);
  };
  let dataBytes = 0;
  const first = head.subarray(scan.dataOffset);
  async function* data(): AsyncGenerator<Buffer> {
    if (first.length > 0) {
      dataBytes += first.length;
      yield first;
    }
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (err) {
        throw decompressError(err);
      }
      if (r.done) return;
      const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
      dataBytes += chunk.length;
      yield chunk;
    }
  }
  try {
    await pipeline(Readable.from(data()), createWriteStream(spoolPath, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    await cleanup();
    throw err instanceof ClickHouseHttpError ? err : decompressError(err);
  }
  const text = (from: number, to: number): string => head.subarray(from, to).toString('utf8');
  const infile = `'${spoolPath.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  // Newlines, not spaces, between the pieces: the header may end in a `--` comment.
  const settings = text(scan.infileSpliceOffset, scan.clauseStart).trim();
  const sql = [text(0, scan.infileSpliceOffset).trimEnd(), `FROM INFILE ${infile}`, settings, `FORMAT ${scan.format}`]
    .filter((p) => p !== '')
    .join('\n');
  return { kind: 'insert', sql, spoolPath, dataBytes, insert: scan, cleanup };
}
