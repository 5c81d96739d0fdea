import type { Stack } from '../../stack/resolve.js';
import type { RenderedFile } from '../rendered-file.js';
import { generatedHeader, toYaml } from '../yaml.js';
import { buildDashboard, dashboardUid } from './dashboard.js';
import { grafanaDatasource } from './datasource.js';

/**
 * `generate --target grafana`: provisioning files for a Grafana of the user's (the data source for
 * the stack's storage, a dashboard provider) and the dashboard JSON it loads. Pure: no clock, no
 * environment, no file system beyond the query templates the panels are made from.
 *
 * Grafana itself is never run, built or shipped by telemetry-stack (it is AGPL-licensed): these
 * files are for the user's own Grafana, or the upstream image the compose file's grafana profile
 * names.
 */

/** Where the dashboard provider reads the JSON files, inside Grafana's container (compose/grafana). */
export const GRAFANA_DASHBOARDS_DIR = '/etc/grafana/dashboards/telemetry-stack';
export const GRAFANA_PROVISIONING_DIR = '/etc/grafana/provisioning';

export function renderGrafanaBundle(stack: Stack, source: string): RenderedFile[] {
  const header = generatedHeader(source).replace('`telemetry-stack generate`', '`telemetry-stack generate --target grafana`');
  const datasource = grafanaDatasource(stack);
  const dashboard = buildDashboard(stack, datasource);
  const provider = {
    apiVersion: 1,
    providers: [
      {
        name: `telemetry-stack ${stack.name}`,
        type: 'file',
        folder: 'telemetry-stack',
        // Dashboards are generated: the files are the source, edits in Grafana are not kept.
        allowUiUpdates: false,
        disableDeletion: false,
        updateIntervalSeconds: 30,
        options: { path: GRAFANA_DASHBOARDS_DIR, foldersFromFilesStructure: false },
      },
    ],
  };
  return [
    { path: `grafana/dashboards/${dashboardUid(stack)}.json`, content: JSON.stringify(dashboard, null, 2) + '\n' },
    { path: 'grafana/provisioning/dashboards/telemetry-stack.yaml', content: toYaml(provider, header) },
    {
      path: 'grafana/provisioning/datasources/telemetry-stack.yaml',
      content: toYaml(
        { apiVersion: 1, datasources: [datasource.provisioning] },
        `${header}# Grafana fills \${NAME} from its own environment when it reads this file: set ${datasource.env.join(', ') || 'nothing'} there.\n`,
      ),
    },
  ];
}
