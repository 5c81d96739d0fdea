import type { Stack } from '../stack/resolve.js';
import { storageEndpoint } from '../stack/storage-endpoint.js';
import { renderClickHouseDdl } from './clickhouse-ddl.js';
import { renderCollectorConfig } from './collector-config.js';
import { renderGrafanaBundle } from './grafana/bundle.js';
import { renderCompose, renderEnvTemplate } from './compose.js';
import { containerSpecs, renderClickHouseListenXml } from './containers.js';
import { CONTAINER_LOKI_DIR, renderLokiConfig } from './loki-config.js';
import type { RenderInputs } from './inputs.js';
import type { RenderedFile } from './rendered-file.js';
import { generatedHeader, toYaml } from './yaml.js';

export interface BundleOptions {
  /** Shown in each file's header: which stack file it came from. */
  source: string;
  toolVersion: string;
}

/**
 * Every file a stack needs, for its backend: the Collector config for native processes, the
 * ClickHouse rollups, and (for backends that run in Docker) a compose directory with the same
 * containers `up` creates, with the Loki or ClickHouse config for the container it runs. Pure: no clock, no environment, no file system.
 */
export function renderBundle(stack: Stack, inputs: RenderInputs, options: BundleOptions): RenderedFile[] {
  const header = generatedHeader(options.source);
  const files: RenderedFile[] = [{ path: 'collector.yaml', content: toYaml(renderCollectorConfig(stack, inputs, 'process'), header) }];
  // Loki keeps no schema of ours; ClickHouse gets the rollups whoever runs it.
  if (stack.backend !== 'loki') files.push({ path: 'clickhouse/rollups.sql', content: renderClickHouseDdl(stack, inputs.clickhouseDdl) });
  if (stack.backend !== 'embedded') {
    const external = storageEndpoint(stack).external;
    const specs = containerSpecs(stack, options.toolVersion);
    files.push(
      { path: 'compose/compose.yaml', content: toYaml(renderCompose(stack, specs, options.toolVersion), header) },
      { path: 'compose/.env.template', content: renderEnvTemplate(stack, specs) },
      { path: 'compose/collector.yaml', content: toYaml(renderCollectorConfig(stack, inputs, 'docker'), header) },
      // What the compose file's grafana profile mounts.
      ...renderGrafanaBundle(stack, options.source).map((f) => ({ ...f, path: `compose/${f.path}` })),
    );
    // Storage config only for the container this stack runs; storage the user brings has its own.
    if (!external && stack.backend === 'loki') {
      files.push({ path: 'compose/loki.yaml', content: toYaml(renderLokiConfig(stack, CONTAINER_LOKI_DIR), header) });
    } else if (!external && stack.clickhouse.server === 'clickhouse-server') {
      // The chdb-server launcher renders its own config from its flags.
      files.push({ path: 'compose/clickhouse/listen.xml', content: renderClickHouseListenXml(stack) });
    }
  }
  return files;
}
