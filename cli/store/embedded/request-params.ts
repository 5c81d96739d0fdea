/**
 * Sorting the URL parameters of a ClickHouse HTTP request: parameters of the HTTP interface
 * itself, query parameters (`param_x`), and settings. Settings are applied to the one statement;
 * a few are deliberately not applied (see NOT_APPLIED) and names the engine does not know are
 * ignored rather than refused, because drivers send settings of their own versions.
 */

import { unescapeParamValue } from './param-escape.js';

/** Parameters the HTTP interface consumes itself; never treated as settings. */
const INTERFACE_PARAMS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'compress',
  'decompress',
  'user',
  'password',
  'quota_key',
  'client_protocol_version',
  'buffer_size',
  'wait_end_of_query',
  'stacktrace',
  'role',
  'enable_http_compression',
  'http_zlib_compression_level',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'add_http_cors_header',
  'http_response_buffer_size',
  'http_wait_end_of_query',
  'cancel_http_readonly_queries_on_client_close',
  'client_info_product',
]);

/**
 * Settings accepted but not applied, with the reason:
 * - readonly: enforced here by statement kind; setting it on the shared connection would lock
 *   every later request out of changing settings.
 * - async_insert*, wait_for_async_insert*: inserts here are synchronous, so a 200 always means
 *   the rows are in a part on disk; an async buffer would acknowledge data a crash could lose.
 */
const NOT_APPLIED = /^(readonly|async_insert.*|wait_for_async_insert.*)$/;

export interface SortedParams {
  query?: string;
  database?: string;
  defaultFormat?: string;
  queryId?: string;
  sessionId?: string;
  sessionTimeoutSeconds?: number;
  sessionCheck: boolean;
  /** ClickHouse's own block compression (`compress=1` / `decompress=1`), not HTTP Content-Encoding. */
  nativeCompression: boolean;
  user?: string;
  password?: string;
  clientProtocolVersion: number;
  enableHttpCompression: boolean;
  readonly: number;
  settings: Map<string, string>;
  params: Record<string, string | null>;
  /** Setting names dropped because the engine does not know them. */
  ignored: string[];
}

function truthy(v: string | null): boolean {
  return v !== null && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

export function sortParams(search: URLSearchParams, knownSetting: (name: string) => boolean): SortedParams {
  const out: SortedParams = {
    sessionCheck: false,
    nativeCompression: false,
    clientProtocolVersion: 0,
    enableHttpCompression: false,
    readonly: 0,
    settings: new Map(),
    params: {},
    ignored: [],
  };
  for (const [name, value] of search) {
    if (name.startsWith('param_')) {
      out.params[name.slice('param_'.length)] = unescapeParamValue(value);
      continue;
    }
    if (INTERFACE_PARAMS.has(name)) continue;
    if (name === 'readonly') {
      out.readonly = Number(value) || 0;
      continue;
    }
    if (NOT_APPLIED.test(name)) continue;
    if (!knownSetting(name)) {
      out.ignored.push(name);
      continue;
    }
    out.settings.set(name, value);
  }
  const get = (k: string): string | undefined => search.get(k) ?? undefined;
  const q = get('query');
  if (q !== undefined) out.query = q;
  const db = get('database');
  if (db !== undefined && db !== '') out.database = db;
  const fmt = get('default_format');
  if (fmt !== undefined && fmt !== '') out.defaultFormat = fmt;
  const qid = get('query_id');
  if (qid !== undefined && qid !== '') out.queryId = qid;
  const sid = get('session_id');
  if (sid !== undefined && sid !== '') out.sessionId = sid;
  const st = get('session_timeout');
  if (st !== undefined && Number.isFinite(Number(st))) out.sessionTimeoutSeconds = Number(st);
  out.sessionCheck = truthy(search.get('session_check'));
  out.nativeCompression = truthy(search.get('compress')) || truthy(search.get('decompress'));
  const user = get('user');
  if (user !== undefined) out.user = user;
  const password = get('password');
  if (password !== undefined) out.password = password;
  out.clientProtocolVersion = Number(search.get('client_protocol_version') ?? 0) || 0;
  out.enableHttpCompression = truthy(search.get('enable_http_compression'));
  return out;
}
