import { UserError } from '../errors.js';
import type { Stack } from './resolve.js';
import type { StackFile } from './schema.js';

/**
 * Where the stack's storage answers, and whether the stack runs it. The one owner of that
 * answer: the renderers, both runtimes, verify and query all ask here.
 *
 * Storage the stack runs (the embedded engine, a ClickHouse or Loki container) listens on
 * 127.0.0.1 at its configured port. Storage the user brings (`clickhouse.url`, `loki.url`) is
 * only reached, never started, stopped or probed for ports.
 */
export interface StorageEndpoint {
  /** Base URL without a trailing slash. */
  url: string;
  /** True when the user brings it: up starts nothing for it. */
  external: boolean;
  /** How messages name it: `ClickHouse on 127.0.0.1:8123`, `Loki at https://logs.example.com`. */
  label: string;
}

export function storageEndpoint(stack: Stack): StorageEndpoint {
  if (stack.backend === 'loki') return endpoint('Loki', stack.loki.url, stack.loki.port);
  // With several servers the CLI's own queries read the first; the exporter spreads over all.
  const external = stack.backend === 'clickhouse' ? stack.clickhouse.url : undefined;
  return endpoint('ClickHouse', external, stack.clickhouse.port);
}

/** The clickhouse exporter's `endpoint`: the one server address. */
export function clickhouseExporterEndpoint(stack: Stack): string {
  return storageEndpoint(stack).url;
}

/** Port of every ClickHouse server the Collector writes to: what a network policy must let out. */
export function clickhousePorts(stack: Stack): number[] {
  const urls = stack.clickhouse.url !== undefined ? [stack.clickhouse.url] : [];
  const ports = urls.map((u) => {
    const url = new URL(u);
    return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  });
  return [...new Set(ports.length > 0 ? ports : [stack.clickhouse.port])].sort((a, b) => a - b);
}

/**
 * Whether the stack's storage is ClickHouse's own server from libchdb, run by the chdb-server
 * launcher (storage/chdb-server): the embedded engine as a local process, or the storage image
 * in a container (backend clickhouse, clickhouse.server: chdb-server, no clickhouse.url).
 */
export function runsChdbServer(stack: Pick<StackFile, 'backend' | 'clickhouse'>): boolean {
  if (stack.backend === 'embedded') return true;
  return stack.backend === 'clickhouse' && stack.clickhouse.url === undefined && stack.clickhouse.server === 'chdb-server';
}

/**
 * Who a client logs in as. The chdb-server launcher defines its own two users: a writer for the
 * Collector's exporter and the control plane's DDL, and a read-only user whose readonly = 1 is
 * fixed by the engine. A server of the user's (or the official image's) has the one user the
 * stack file names, for both.
 */
export type ClickHouseRole = 'writer' | 'reader';

export const EMBEDDED_WRITER_USER = 'telemetry_writer';
export const EMBEDDED_READER_USER = 'telemetry_reader';
/**
 * The variable that carries the read-only user's password into a chdb-server container (the
 * writer's is clickhouse.passwordEnv). The CLI itself reads it from the 0600 file `up` writes.
 */
export const CHDB_SERVER_READER_PASSWORD_ENV = 'TELEMETRY_STACK_CLICKHOUSE_READER_PASSWORD';

export function clickhouseUsername(stack: Stack, role: ClickHouseRole): string {
  if (!runsChdbServer(stack)) return stack.clickhouse.username;
  return role === 'writer' ? EMBEDDED_WRITER_USER : EMBEDDED_READER_USER;
}

/**
 * The chdb-server launcher's native TCP port. Nothing of the stack speaks that protocol yet, but
 * the engine opens the listener, and every port the stack holds is one the stack file can name.
 */
export function embeddedNativePort(clickhouse: { port: number; nativePort?: number | undefined }): number {
  const http = clickhouse.port;
  return clickhouse.nativePort ?? (http < 65535 ? http + 1 : http - 1);
}

function endpoint(what: string, url: string | undefined, port: number): StorageEndpoint {
  if (url !== undefined) {
    const base = url.replace(/\/+$/, '');
    return { url: base, external: true, label: `${what} at ${base}` };
  }
  return { url: `http://127.0.0.1:${port}`, external: false, label: `${what} on 127.0.0.1:${port}` };
}

/**
 * Headers every request to Loki carries, as the Collector writes them: the tenant, and a bearer
 * token as a `${env:NAME}` reference the Collector resolves at start (never the token itself,
 * so rendered files hold no secret).
 */
export function lokiHeaderTemplates(stack: Stack): Record<string, string> {
  const headers: Record<string, string> = {};
  if (stack.loki.tenant !== undefined) headers['X-Scope-OrgID'] = stack.loki.tenant;
  if (stack.loki.bearerTokenEnv !== undefined) headers['Authorization'] = `Bearer \${env:${stack.loki.bearerTokenEnv}}`;
  return headers;
}

/** The same headers with the token read from the environment, for the CLI's own queries. */
export function lokiHeaders(stack: Stack, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {};
  if (stack.loki.tenant !== undefined) headers['X-Scope-OrgID'] = stack.loki.tenant;
  const token = lokiToken(stack, env);
  if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;
  return headers;
}

/** The token loki.bearerTokenEnv names, when it names one; unset is one line naming the variable. */
export function lokiToken(stack: Stack, env: NodeJS.ProcessEnv): string | undefined {
  const name = stack.backend === 'loki' ? stack.loki.bearerTokenEnv : undefined;
  if (name === undefined) return undefined;
  if (!env[name]) throw new UserError(`$${name} is not set; loki.bearerTokenEnv names it as the token your Loki expects`);
  return env[name];
}
