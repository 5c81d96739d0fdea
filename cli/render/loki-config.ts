import { RESOURCE_SERVICE_NAME } from '@telemetry-stack/client/names';
import type { Stack } from '../stack/resolve.js';
import { goDuration } from '../stack/duration.js';

/** Where Loki keeps its data inside its container (a named volume is mounted here). */
export const CONTAINER_LOKI_DIR = '/loki';

/**
 * Loki 3.x, single binary, filesystem storage, loopback only. Labels: only the low-cardinality
 * resource attributes become index labels (service name/namespace, environment); verbs, users and
 * models go to structured metadata so per-verb/per-user questions never create a stream each and
 * stay inside Loki's stream and series limits.
 */
export function renderLokiConfig(stack: Stack, dataDir: string): Record<string, unknown> {
  return {
    auth_enabled: false,
    server: {
      http_listen_address: '127.0.0.1',
      http_listen_port: stack.loki.port,
      grpc_listen_address: '127.0.0.1',
      grpc_listen_port: 0,
      log_level: 'warn',
    },
    common: {
      instance_addr: '127.0.0.1',
      path_prefix: dataDir,
      storage: { filesystem: { chunks_directory: `${dataDir}/chunks`, rules_directory: `${dataDir}/rules` } },
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
    },
    // Unused with the in-memory ring; pinned to loopback should a kvstore ever be switched on.
    memberlist: { bind_addr: ['127.0.0.1'], advertise_addr: '127.0.0.1' },
    // One instance: the 15 s ring-settling delay and the 10 s scheduler poll only delay /ready.
    ingester: { lifecycler: { min_ready_duration: '0s' } },
    frontend: { scheduler_dns_lookup_period: '1s' },
    schema_config: {
      configs: [{ from: '2024-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    compactor: {
      working_directory: `${dataDir}/compactor`,
      retention_enabled: true,
      delete_request_store: 'filesystem',
      compaction_interval: '10m',
      retention_delete_delay: '1h',
    },
    limits_config: {
      retention_period: goDuration(stack.retention),
      allow_structured_metadata: true,
      reject_old_samples: true,
      reject_old_samples_max_age: '168h',
      otlp_config: {
        resource_attributes: {
          ignore_defaults: true,
          attributes_config: [
            {
              action: 'index_label',
              attributes: [RESOURCE_SERVICE_NAME, 'service.namespace', 'deployment.environment', 'deployment.environment.name'],
            },
          ],
        },
      },
    },
    analytics: { reporting_enabled: false },
    tracing: { enabled: false },
  };
}
