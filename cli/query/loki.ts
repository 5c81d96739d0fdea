import { UserError } from '../errors.js';
import type { Stack } from '../stack/resolve.js';
import { lokiHeaders, storageEndpoint } from '../stack/storage-endpoint.js';
import type { TimeRange } from './range.js';
import type { Column, QueryResult, Row } from './result.js';
import type { Template } from './templates.js';

/**
 * Loki's HTTP API (the container's on 127.0.0.1:<loki.port>, or yours at loki.url, with the tenant
 * and token headers the Collector sends too). A metric query (anything not starting with a stream
 * selector) is evaluated once, at the end of the range (`/query`); a log query returns lines from
 * the range (`/query_range`), newest first.
 */

const TIMEOUT_MS = 60_000;

interface LokiVector {
  resultType: 'vector';
  result: { metric: Record<string, string>; value: [number, string] }[];
}
interface LokiMatrix {
  resultType: 'matrix';
  result: { metric: Record<string, string>; values: [number, string][] }[];
}
interface LokiStreams {
  resultType: 'streams';
  result: { stream: Record<string, string>; values: [string, string][] }[];
}
type LokiData = LokiVector | LokiMatrix | LokiStreams | { resultType: 'scalar'; result: [number, string] };

export function isLogQuery(logql: string): boolean {
  return logql.trimStart().startsWith('{');
}

export async function runLogql(stack: Stack, env: NodeJS.ProcessEnv, logql: string, range: TimeRange, limit: number): Promise<QueryResult> {
  const { url: root, label } = storageEndpoint(stack);
  const base = `${root}/loki/api/v1`;
  const headers = lokiHeaders(stack, env);
  const params = new URLSearchParams({ query: logql });
  let url: string;
  if (isLogQuery(logql)) {
    params.set('start', nanos(range.since));
    // Loki's end is inclusive; the range is half-open like every other query here.
    params.set('end', (BigInt(nanos(range.until)) - 1n).toString());
    params.set('limit', String(limit));
    params.set('direction', 'backward');
    url = `${base}/query_range?${params}`;
  } else {
    // The window is (time - range, time]; ending a nanosecond early makes it [since, until).
    params.set('time', (BigInt(nanos(range.until)) - 1n).toString());
    url = `${base}/query?${params}`;
  }
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    if (cause === 'ECONNREFUSED') throw new UserError(`${label} is not answering; start it (or the stack, with \`telemetry-stack up\`) and check loki.url`);
    if ((e as Error).name === 'TimeoutError') throw new UserError(`${label} did not answer within ${TIMEOUT_MS / 1000} s; narrow --since/--until`);
    throw e;
  }
  const text = await res.text();
  if (!res.ok) throw new UserError(`${label} refused the query (HTTP ${res.status}): ${text.trim().split('\n')[0]}`);
  const body = JSON.parse(text) as { data: LokiData };
  return toResult(body.data, limit);
}

/** A .logql template holds one or more queries, each under a `# query: <name>` line. */
export function templateQueries(template: Template): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (current !== undefined) out.set(current, lines.join('\n').trim());
  };
  for (const line of template.text.split('\n')) {
    const m = /^#\s*query:\s*([a-z][a-z0-9_-]*)\s*$/.exec(line);
    if (m) {
      flush();
      current = m[1]!;
      lines = [];
    } else if (!line.startsWith('#')) lines.push(line);
  }
  flush();
  return out;
}

/** LogQL string literal (Go syntax, as Loki parses it); user input never reaches the query unquoted. */
export function logqlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Fills `$selector` (the stream selector, narrowed to one service when given) and `$range` (the
 * whole time range in seconds) into a template's queries.
 */
export function fillLogql(query: string, values: { service: string; range: TimeRange }): string {
  const selector = values.service ? `{service_name=${logqlString(values.service)}}` : '{service_name=~".+"}';
  const seconds = Math.max(1, Math.ceil((values.range.until.getTime() - values.range.since.getTime()) / 1000));
  return query.replaceAll('$selector', selector).replaceAll('$range', `${seconds}s`);
}

function nanos(date: Date): string {
  return (BigInt(date.getTime()) * 1_000_000n).toString();
}

function toResult(data: LokiData, limit: number): QueryResult {
  if (data.resultType === 'streams') {
    const labelNames = new Set<string>();
    for (const s of data.result) for (const k of Object.keys(s.stream)) labelNames.add(k);
    const labels = [...labelNames].sort();
    const rows: Row[] = [];
    for (const s of data.result) {
      for (const [ts, line] of s.values) {
        const row: Row = { time: new Date(Number(BigInt(ts) / 1_000_000n)).toISOString() };
        for (const l of labels) row[l] = s.stream[l] ?? '';
        row['line'] = line;
        rows.push(row);
      }
    }
    rows.sort((a, b) => String(b['time']).localeCompare(String(a['time'])));
    const columns: Column[] = [
      { name: 'time', kind: 'time', type: 'timestamp' },
      ...labels.map((name) => ({ name, kind: 'text' as const, type: 'label' })),
      { name: 'line', kind: 'text', type: 'line' },
    ];
    return { columns, rows: rows.slice(0, limit) };
  }
  if (data.resultType === 'scalar') {
    return { columns: [{ name: 'value', kind: 'number', type: 'scalar' }], rows: [{ value: Number(data.result[1]) }] };
  }
  const series = data.resultType === 'vector' ? data.result.map((r) => ({ metric: r.metric, values: [r.value] })) : data.result;
  const labelNames = new Set<string>();
  for (const s of series) for (const k of Object.keys(s.metric)) labelNames.add(k);
  const labels = [...labelNames].sort();
  const rows: Row[] = [];
  for (const s of series) {
    for (const [t, v] of s.values) {
      const row: Row = {};
      for (const l of labels) row[l] = s.metric[l] ?? '';
      if (data.resultType === 'matrix') row['time'] = new Date(t * 1000).toISOString();
      row['value'] = Number(v);
      rows.push(row);
    }
  }
  const columns: Column[] = [
    ...labels.map((name) => ({ name, kind: 'text' as const, type: 'label' })),
    ...(data.resultType === 'matrix' ? [{ name: 'time', kind: 'time' as const, type: 'timestamp' }] : []),
    { name: 'value', kind: 'number', type: 'sample' },
  ];
  return { columns, rows: rows.slice(0, limit) };
}
