import type { Stack } from '../../stack/resolve.js';
import { CHDB_SERVER_READER_PASSWORD_ENV, clickhouseUsername, runsChdbServer, storageEndpoint } from '../../stack/storage-endpoint.js';

/**
 * The Grafana data source for a stack's storage, as a provisioning file declares it. No secret is
 * written: Grafana replaces `${NAME}` in provisioning files with its own environment variable NAME
 * when it reads them, so the password or token stays in the environment of whoever runs Grafana.
 */

/** grafana-clickhouse-datasource: the ClickHouse data source plugin, maintained by Grafana Labs. */
export const CLICKHOUSE_PLUGIN_ID = 'grafana-clickhouse-datasource';

/**
 * The plugin's ClickHouse client sends max_execution_time = its query timeout + 5 s with every
 * query. The embedded engine bounds its read-only user at 60 s (storage/chdb-server,
 * --reader-max-execution-seconds) and lets it lower, never raise, that bound: 55 s keeps the
 * setting the plugin sends at 59.
 */
export const EMBEDDED_QUERY_TIMEOUT_SECONDS = 55;

export interface GrafanaDatasource {
  /** What every panel's `datasource` names. */
  ref: { type: string; uid: string };
  /** One entry of the provisioning file's `datasources` list. */
  provisioning: Record<string, unknown>;
  /** Environment variables Grafana must have for the provisioning file to resolve. */
  env: string[];
}

/** Stable across renders and unique per stack; Grafana allows up to 40 characters. */
export function datasourceUid(stack: Stack): string {
  return `ts-${stack.name}-${stack.backend === 'loki' ? 'loki' : 'ch'}`;
}

export function grafanaDatasource(stack: Stack): GrafanaDatasource {
  return stack.backend === 'loki' ? lokiDatasource(stack) : clickHouseDatasource(stack);
}

/** The user Grafana logs in as: the launcher's read-only user, grafana.clickhouseUser, or the stack's one user. */
export function grafanaClickHouseUser(stack: Stack): { username: string; passwordEnv: string } {
  // The launcher's reader keeps its password in a 0600 file under the data directory (written by
  // `up`); Grafana reads it from this variable, which the user exports from that file.
  if (runsChdbServer(stack)) return { username: clickhouseUsername(stack, 'reader'), passwordEnv: CHDB_SERVER_READER_PASSWORD_ENV };
  return {
    username: stack.grafana.clickhouseUser ?? clickhouseUsername(stack, 'reader'),
    passwordEnv: stack.grafana.clickhousePasswordEnv ?? stack.clickhouse.passwordEnv,
  };
}

function clickHouseDatasource(stack: Stack): GrafanaDatasource {
  const url = new URL(storageEndpoint(stack).url);
  const secure = url.protocol === 'https:';
  const { username, passwordEnv } = grafanaClickHouseUser(stack);
  const ref = { type: CLICKHOUSE_PLUGIN_ID, uid: datasourceUid(stack) };
  return {
    ref,
    env: [passwordEnv],
    provisioning: {
      name: `telemetry-stack ${stack.name}`,
      ...ref,
      access: 'proxy',
      editable: false,
      jsonData: {
        // The stack's own HTTP interface: the same one the CLI queries (the embedded engine serves no other).
        protocol: 'http',
        host: url.hostname,
        port: Number(url.port || (secure ? 443 : 80)),
        secure,
        username,
        defaultDatabase: stack.clickhouse.database,
        ...(stack.backend === 'embedded' ? { queryTimeout: String(EMBEDDED_QUERY_TIMEOUT_SECONDS) } : {}),
      },
      secureJsonData: { password: `\${${passwordEnv}}` },
    },
  };
}

function lokiDatasource(stack: Stack): GrafanaDatasource {
  const headers: [string, string][] = [];
  if (stack.loki.tenant !== undefined) headers.push(['X-Scope-OrgID', stack.loki.tenant]);
  if (stack.loki.bearerTokenEnv !== undefined) headers.push(['Authorization', `Bearer \${${stack.loki.bearerTokenEnv}}`]);
  const ref = { type: 'loki', uid: datasourceUid(stack) };
  return {
    ref,
    env: stack.loki.bearerTokenEnv !== undefined ? [stack.loki.bearerTokenEnv] : [],
    provisioning: {
      name: `telemetry-stack ${stack.name}`,
      ...ref,
      access: 'proxy',
      editable: false,
      url: storageEndpoint(stack).url,
      // The same tenant and token headers the Collector pushes with and the CLI queries with.
      ...(headers.length > 0
        ? {
            jsonData: Object.fromEntries(headers.map(([name], i) => [`httpHeaderName${i + 1}`, name])),
            secureJsonData: Object.fromEntries(headers.map(([, value], i) => [`httpHeaderValue${i + 1}`, value])),
          }
        : {}),
    },
  };
}
