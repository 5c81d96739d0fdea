import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeLogs, flattenRecords, type AnyValue, type DecodedLogs } from '../../packages/client/test/helpers/otlp-decode.js';

/**
 * A stand-in for Loki's HTTP API for contract tests: it records every request the Collector and
 * the CLI send, and answers in the response shapes Loki documents. It is not Loki: it evaluates
 * no metric query (a test states the answer to each one) and filters log queries only by
 * `{service_name="..."}` and `|= "..."`, enough for what verify and `query --logql` ask.
 *
 * How pushed OTLP records become streams follows Loki 3.x's documented OTLP ingestion
 * (pkg/loghttp/push/otlp_config.go): service.name becomes the service_name index label, other
 * attributes structured metadata with dots turned into underscores, and a query answer shows
 * both as the stream's labels.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface LokiEntry {
  labels: Record<string, string>;
  timeNs: bigint;
  line: string;
}

/** An instant-query answer as Loki returns it: one sample per series at the query time. */
export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

export interface FakeLoki {
  url: string;
  requests: RecordedRequest[];
  pushes: DecodedLogs[];
  entries: LokiEntry[];
  /** The 400 answers it gave, with their reasons (a push it could not decode shows up here). */
  refusals: string[];
  /** What `/loki/api/v1/query` answers for a query; unanswered queries get Loki's 400. */
  answerInstant(answer: (query: string) => VectorSample[] | undefined): void;
  close(): Promise<void>;
}

export async function startFakeLoki(options: { retentionPeriod?: string } = {}): Promise<FakeLoki> {
  const requests: RecordedRequest[] = [];
  const pushes: DecodedLogs[] = [];
  const entries: LokiEntry[] = [];
  const refusals: string[] = [];
  let instant: (query: string) => VectorSample[] | undefined = () => undefined;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://loki');
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', path: url.pathname, params: url.searchParams, headers: req.headers, body });
      const send = (status: number, text: string, type = 'text/plain; charset=utf-8') => {
        if (status >= 400) refusals.push(`${status} ${url.pathname}: ${text}`);
        res.writeHead(status, { 'content-type': type });
        res.end(text);
      };
      const json = (value: unknown) => send(200, JSON.stringify(value), 'application/json; charset=UTF-8');
      try {
        if (req.method === 'GET' && url.pathname === '/ready') return send(200, 'ready\n');
        if (req.method === 'GET' && url.pathname === '/config') return send(200, configYaml(options.retentionPeriod ?? '744h'), 'text/plain; charset=utf-8');
        if (req.method === 'POST' && url.pathname === '/otlp/v1/logs') {
          const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
          const logs = decodeLogs(req.headers['content-type'], raw);
          pushes.push(logs);
          entries.push(...toEntries(logs));
          // Loki answers a successful push with 204 and no body.
          res.writeHead(204);
          return res.end();
        }
        if (req.method === 'GET' && url.pathname === '/loki/api/v1/query_range') {
          const streams = selectStreams(entries, url.searchParams);
          if (typeof streams === 'string') return send(400, streams);
          return json({ status: 'success', data: { resultType: 'streams', result: streams, stats: {} } });
        }
        if (req.method === 'GET' && url.pathname === '/loki/api/v1/query') {
          const query = url.searchParams.get('query') ?? '';
          const samples = instant(query);
          if (!samples) return send(400, `parse error : this contract test states no answer for ${query}`);
          const time = Number(BigInt(url.searchParams.get('time') ?? '0') / 1_000_000n) / 1000;
          return json({ status: 'success', data: { resultType: 'vector', result: samples.map((s) => ({ metric: s.metric, value: [time, String(s.value)] })), stats: {} } });
        }
        send(404, '404 page not found\n');
      } catch (e) {
        send(400, (e as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    pushes,
    entries,
    refusals,
    answerInstant(answer) {
      instant = answer;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function configYaml(retentionPeriod: string): string {
  return ['compactor:', '  retention_enabled: true', 'limits_config:', `  retention_period: ${retentionPeriod}`, ''].join('\n');
}

const labelName = (key: string) => key.replace(/[^A-Za-z0-9_]/g, '_');

function text(v: AnyValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return typeof v === 'object' ? JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) : String(v);
}

function toEntries(logs: DecodedLogs): LokiEntry[] {
  return flattenRecords(logs).map(({ resource, scope, record }) => {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(resource)) labels[labelName(k)] = text(v);
    if (scope.name) labels['scope_name'] = scope.name;
    for (const [k, v] of Object.entries(record.attributes)) labels[labelName(k)] = text(v);
    if (record.eventName) labels['event_name'] = record.eventName;
    if (record.severityText) labels['severity_text'] = record.severityText;
    const timeNs = record.timeUnixNano || record.observedTimeUnixNano;
    return { labels, timeNs, line: text(record.body) };
  });
}

/** `{service_name="x"}` or `{service_name=~".+"}`, then any number of `|= "text"`. */
function selectStreams(entries: LokiEntry[], params: URLSearchParams): { stream: Record<string, string>; values: [string, string][] }[] | string {
  const query = params.get('query') ?? '';
  const m = /^\{service_name(=~?)"((?:[^"\\]|\\.)*)"\}((?:\s*\|=\s*"(?:[^"\\]|\\.)*")*)\s*$/.exec(query);
  if (!m) return `parse error : the contract stand-in reads only {service_name="..."} |= "..." queries, got ${query}`;
  const service = JSON.parse(`"${m[2]}"`) as string;
  const filters = [...m[3]!.matchAll(/\|=\s*("(?:[^"\\]|\\.)*")/g)].map((f) => JSON.parse(f[1]!) as string);
  const start = BigInt(params.get('start') ?? '0');
  const end = params.has('end') ? BigInt(params.get('end')!) : BigInt(Date.now()) * 1_000_000n;
  const limit = Number(params.get('limit') ?? '100');
  const selected = entries
    .filter((e) => (m[1] === '=' ? e.labels['service_name'] === service : true))
    .filter((e) => e.timeNs >= start && e.timeNs <= end && filters.every((f) => e.line.includes(f)))
    .sort((a, b) => (params.get('direction') === 'forward' ? Number(a.timeNs - b.timeNs) : Number(b.timeNs - a.timeNs)))
    .slice(0, limit);
  const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
  for (const e of selected) {
    const key = JSON.stringify(Object.entries(e.labels).sort());
    const s = streams.get(key) ?? { stream: e.labels, values: [] };
    s.values.push([e.timeNs.toString(), e.line]);
    streams.set(key, s);
  }
  return [...streams.values()];
}
