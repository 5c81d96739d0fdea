import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { Authenticator, extractCredentials } from './auth.js';
import type { Engine, ExecRequest } from './engine.js';
import { ClickHouseHttpError, ErrorCode, fromEngineError } from './errors.js';
import { contentTypeFor } from './formats.js';
import { driverHelloResponse, isDriverHello } from './native-hello.js';
import { decodedBody, parseRequest } from './request-body.js';
import { sortParams, type SortedParams } from './request-params.js';
import { compress, pickCodec } from './response-compression.js';
import { SessionStore, type HttpSession } from './sessions.js';
import { READ_ONLY_KEYWORDS } from './sql-scan.js';

/**
 * The part of ClickHouse's HTTP interface that clickhouse-go v2 (HTTP transport, as the
 * Collector's clickhouse exporter uses it) and @clickhouse/client use: `/ping`, queries in the
 * `query` parameter and/or the body, inline INSERT data in any input format the engine reads,
 * `database`, `default_format`, settings as parameters, `param_*` query parameters, sessions,
 * gzip/deflate/br, and errors in ClickHouse's shape. See docs/embedded-engine.md for what is not
 * covered.
 */

export interface HttpInterfaceOptions {
  engine: Engine;
  auth: Authenticator;
  spoolDir: string;
  /** One line per failed request; the server decides where it goes. */
  log: (line: string) => void;
  /** True once shutdown began: new requests are refused so the exporter retries elsewhere/later. */
  shuttingDown: () => boolean;
}

export function createRequestHandler(opts: HttpInterfaceOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const sessions = new SessionStore();
  const { engine } = opts;
  const isOutputFormat = (name: string): boolean => engine.outputFormats.has(name.toLowerCase());
  const knownSetting = (name: string): boolean => engine.settingNames.has(name);

  const baseHeaders = (res: ServerResponse, queryId: string): void => {
    res.setHeader('X-ClickHouse-Query-Id', queryId);
    res.setHeader('X-ClickHouse-Timezone', engine.info.timezone);
    res.setHeader('X-ClickHouse-Server-Display-Name', engine.info.displayName);
  };

  const sendError = (req: IncomingMessage, res: ServerResponse, queryId: string, err: unknown): void => {
    const e = fromEngineError(err);
    const status = e.status();
    if (status >= 500 || e.code === ErrorCode.UNKNOWN_EXCEPTION) {
      opts.log(`request failed (${req.method} ${req.url?.split('?')[0] ?? ''}, query_id ${queryId}): ${e.body(engine.info.version).trim()}`);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = Buffer.from(e.body(engine.info.version), 'utf8');
    baseHeaders(res, queryId);
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(e.code),
      'Content-Length': body.length,
    });
    res.end(body);
    // Whatever the client still sends is discarded so the connection can be reused.
    req.resume();
  };

  return (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://embedded.invalid');
    } catch {
      sendError(req, res, randomUUID(), new ClickHouseHttpError(ErrorCode.BAD_ARGUMENTS, 'Malformed request URL'));
      return;
    }
    const queryId = url.searchParams.get('query_id') || randomUUID();

    if (opts.shuttingDown()) {
      res.setHeader('Connection', 'close');
      sendError(req, res, queryId, new ClickHouseHttpError(ErrorCode.ABORTED, 'Server is shutting down'));
      return;
    }

    if (url.pathname === '/ping' || url.pathname === '/replicas_status') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendError(req, res, queryId, new ClickHouseHttpError(ErrorCode.BAD_ARGUMENTS, `${req.method} is not allowed on ${url.pathname}`));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': 4 });
      res.end(req.method === 'HEAD' ? undefined : 'Ok.\n');
      return;
    }
    if (url.pathname !== '/') {
      sendError(req, res, queryId, new ClickHouseHttpError(ErrorCode.BAD_ARGUMENTS, `There is no handle ${url.pathname}`));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') {
      sendError(req, res, queryId, new ClickHouseHttpError(ErrorCode.BAD_ARGUMENTS, `HTTP method ${req.method} is not supported`));
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && !url.searchParams.has('query')) {
      // A bare GET / is ClickHouse's liveness answer, with no credentials needed.
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': 4 });
      res.end(req.method === 'HEAD' ? undefined : 'Ok.\n');
      return;
    }

    handleQuery(req, res, url, queryId).catch((err: unknown) => sendError(req, res, queryId, err));
  };

  async function handleQuery(req: IncomingMessage, res: ServerResponse, url: URL, queryId: string): Promise<void> {
    const p = sortParams(url.searchParams, knownSetting);
    opts.auth.check(extractCredentials(req.headers, p));

    if (p.nativeCompression) {
      throw new ClickHouseHttpError(
        ErrorCode.UNSUPPORTED_METHOD,
        'ClickHouse block compression (compress=1/decompress=1, the clickhouse exporter\'s compress: lz4 or zstd) is not supported by the embedded engine; set compress: none in the exporter, or use HTTP Content-Encoding gzip',
      );
    }
    if (url.searchParams.getAll('query').length > 1) {
      throw new ClickHouseHttpError(ErrorCode.BAD_ARGUMENTS, 'The query parameter is given more than once');
    }
    const contentType = String(req.headers['content-type'] ?? '');
    if (contentType.toLowerCase().startsWith('multipart/form-data')) {
      throw new ClickHouseHttpError(
        ErrorCode.NOT_IMPLEMENTED,
        'multipart/form-data requests (external tables, multipart query parameters) are not supported by the embedded engine',
      );
    }

    const session = p.sessionId !== undefined ? sessions.open(p.sessionId, p.sessionTimeoutSeconds, p.sessionCheck) : undefined;
    const body = req.method === 'POST' ? decodedBody(req) : emptyBody();
    const parsed = await parseRequest(p.query, body, opts.spoolDir, isOutputFormat);

    try {
      const readOnly = req.method !== 'POST' || p.readonly > 0;
      if (parsed.kind === 'insert') {
        if (readOnly) throw readonlyError(req.method !== 'POST');
        const result = await engine.exec(execRequest(parsed.sql, 'TabSeparated', p, session));
        sendResult(req, res, p, queryId, undefined, new Uint8Array(0), result);
        return;
      }

      const scan = parsed.scan;
      if (scan.keyword === '') throw new ClickHouseHttpError(ErrorCode.SYNTAX_ERROR, 'Empty query');
      if (scan.multiStatement) {
        throw new ClickHouseHttpError(ErrorCode.SYNTAX_ERROR, 'Multi-statements are not allowed');
      }
      const isSet = scan.keyword === 'SET';
      if (readOnly && !READ_ONLY_KEYWORDS.has(scan.keyword) && !(isSet && p.readonly !== 1)) {
        throw readonlyError(req.method !== 'POST');
      }

      const format = canonicalOutputFormat(scan.format ?? p.defaultFormat ?? 'TabSeparated');
      if (format === 'Native' && p.clientProtocolVersion > 0 && isDriverHello(parsed.sql)) {
        sendResult(req, res, p, queryId, format, driverHelloResponse(engine.info, p.clientProtocolVersion), undefined);
        return;
      }

      const exec = execRequest(parsed.sql, format, p, session);
      if (isSet || scan.keyword === 'USE') exec.changesContext = { kind: isSet ? 'set' : 'use', keep: session !== undefined };
      const result = await engine.exec(exec);
      if (session !== undefined && result.captured !== undefined) {
        for (const [name, value] of result.captured.settings) session.settings.set(name, value);
        for (const name of result.captured.reset ?? []) session.settings.delete(name);
        if (result.captured.database !== undefined) session.database = result.captured.database;
      }
      sendResult(req, res, p, queryId, READ_ONLY_KEYWORDS.has(scan.keyword) ? format : undefined, result.bytes, result);
    } finally {
      if (parsed.kind === 'insert') await parsed.cleanup();
    }
  }

  function canonicalOutputFormat(name: string): string {
    const canonical = engine.outputFormats.get(name.toLowerCase());
    if (canonical === undefined) throw new ClickHouseHttpError(ErrorCode.UNKNOWN_FORMAT, `Unknown output format ${name}`);
    return canonical;
  }

  function execRequest(sql: string, format: string, p: SortedParams, session: HttpSession | undefined): ExecRequest {
    const settings = new Map(session?.settings ?? []);
    for (const [k, v] of p.settings) settings.set(k, v);
    const req: ExecRequest = { sql, format, settings, params: p.params };
    const database = p.database ?? session?.database;
    if (database !== undefined) req.database = database;
    return req;
  }

  function sendResult(
    req: IncomingMessage,
    res: ServerResponse,
    p: SortedParams,
    queryId: string,
    format: string | undefined,
    bytes: Uint8Array,
    result: { rowsRead: number; bytesRead: number; elapsedSeconds: number } | undefined,
  ): void {
    const codec = bytes.length > 0 ? pickCodec(p.enableHttpCompression, headerValue(req.headers['accept-encoding'])) : undefined;
    const finish = (payload: Uint8Array): void => {
      baseHeaders(res, queryId);
      if (format !== undefined) res.setHeader('X-ClickHouse-Format', format);
      if (codec !== undefined) res.setHeader('Content-Encoding', codec);
      // Only what the engine reports; rows written by an INSERT are not reported by chdb.
      res.setHeader(
        'X-ClickHouse-Summary',
        JSON.stringify({
          read_rows: String(result?.rowsRead ?? 0),
          read_bytes: String(result?.bytesRead ?? 0),
          elapsed_ns: String(Math.round((result?.elapsedSeconds ?? 0) * 1e9)),
        }),
      );
      res.writeHead(200, {
        'Content-Type': format !== undefined ? contentTypeFor(format) : 'text/plain; charset=UTF-8',
        'Content-Length': payload.length,
      });
      res.end(req.method === 'HEAD' ? undefined : payload);
    };
    if (codec === undefined) {
      finish(bytes);
      return;
    }
    compress(codec, bytes).then(finish, (err: unknown) => sendError(req, res, queryId, err));
  }
}

function readonlyError(viaGet: boolean): ClickHouseHttpError {
  return new ClickHouseHttpError(
    ErrorCode.READONLY,
    viaGet
      ? 'Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries'
      : 'Cannot execute query in readonly mode',
  );
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

function emptyBody(): Readable {
  // A GET carries its statement in the URL only.
  return Readable.from([]);
}
