import { pins } from '../../pins.js';
import type { Stack } from '../../stack/resolve.js';
import { LABEL_SERVICE, LABEL_STACK, LABEL_TOOL, LABEL_VERSION, volumeName } from '../containers.js';
import { GRAFANA_DASHBOARDS_DIR, GRAFANA_PROVISIONING_DIR } from './bundle.js';
import { CLICKHOUSE_PLUGIN_ID, grafanaDatasource } from './datasource.js';

/**
 * The compose file's `grafana` profile: the upstream Grafana image at the pinned tag, reading the
 * provisioning files rendered beside compose.yaml. `docker compose --profile grafana up` starts it
 * on the user's machine; `telemetry-stack up` never does, and nothing here builds or ships it.
 */

export const GRAFANA_PROFILE = 'grafana';
export const GRAFANA_PORT = 3000;
export const GRAFANA_ADMIN_PASSWORD_ENV = 'TELEMETRY_STACK_GRAFANA_ADMIN_PASSWORD';

/** Variables the grafana service takes from .env: its admin password and what the data source reads. */
export function grafanaComposeEnvNames(stack: Stack): string[] {
  return [GRAFANA_ADMIN_PASSWORD_ENV, ...grafanaDatasource(stack).env];
}

export function grafanaComposeService(stack: Stack, toolVersion: string): { service: Record<string, unknown>; volume: Record<string, unknown> } {
  const labels = { [LABEL_TOOL]: 'telemetry-stack', [LABEL_STACK]: stack.name, [LABEL_SERVICE]: 'grafana', [LABEL_VERSION]: toolVersion };
  const volume = volumeName(stack, 'grafana');
  const environment: Record<string, string> = {
    // Host networking like every other service: Grafana listens on loopback only.
    GF_SERVER_HTTP_ADDR: '127.0.0.1',
    GF_SERVER_HTTP_PORT: String(GRAFANA_PORT),
    GF_SECURITY_ADMIN_PASSWORD: `\${${GRAFANA_ADMIN_PASSWORD_ENV}}`,
    GF_ANALYTICS_REPORTING_ENABLED: 'false',
  };
  if (stack.backend !== 'loki') environment['GF_PLUGINS_PREINSTALL_SYNC'] = `${CLICKHOUSE_PLUGIN_ID}@${pins.grafanaPlugins.clickhouse}`;
  // The provisioning file names these; Grafana reads them from its own environment.
  for (const name of grafanaDatasource(stack).env) environment[name] = `\${${name}}`;
  return {
    service: {
      image: pins.images.grafana,
      container_name: `telemetry-stack-${stack.name}-grafana`,
      profiles: [GRAFANA_PROFILE],
      network_mode: 'host',
      restart: 'unless-stopped',
      environment,
      volumes: [`${volume}:/var/lib/grafana`, `./grafana/provisioning:${GRAFANA_PROVISIONING_DIR}:ro`, `./grafana/dashboards:${GRAFANA_DASHBOARDS_DIR}:ro`],
      mem_limit: '512m',
      labels,
    },
    volume: { [volume]: { name: volume, labels } },
  };
}
