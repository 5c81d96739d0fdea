import { join } from 'node:path';
import { goDuration } from '../stack/resolve.js';
import { clickhouseUsername, lokiHeaderTemplates, storageEndpoint } from '../stack/storage-endpoint.js';
import type { Stack } from '../stack/resolve.js';
import { renderSanitizeChain, type SanitizeChain, type SanitizeInputs, type Signal } from './sanitize/chain.js';
import { renderSanitizeProcessor } from './sanitize/processor.js';

/** Where the Collector runs decides its file paths; addresses stay loopback either way (host networking). */
export type CollectorTarget = 'process' | 'docker';

/** Path of the persistent queue inside the Collector container (a named volume is mounted here). */
export const CONTAINER_QUEUE_DIR = '/var/lib/otelcol/file_storage';

export function queueDirFor(stack: Stack, target: CollectorTarget): string {
  return target === 'docker' ? CONTAINER_QUEUE_DIR : join(stack.dataDir, 'queue');
}

/**
 * The Collector config for a stack, as a plain object (serialized by render/yaml.ts).
 * Pure: the same stack and inputs give the same config, byte for byte, once serialized.
 */
export function renderCollectorConfig(stack: Stack, inputs: SanitizeInputs, target: CollectorTarget): Record<string, unknown> {
  const chain = renderSanitize(stack, inputs);
  const exporter = renderExporter(stack);
  const signals: Signal[] = stack.backend === 'loki' ? ['logs'] : ['logs', 'metrics'];

  const extensions: Record<string, unknown> = {
    health_check: { endpoint: `127.0.0.1:${stack.collector.healthPort}` },
  };
  if (stack.delivery.persistentQueue) {
    extensions['file_storage/queue'] = {
      directory: queueDirFor(stack, target),
      create_directory: true,
      // fsync on: an acknowledged batch must survive a power cut, not only a process kill.
      fsync: true,
      compaction: { on_start: true, on_rebound: true, directory: queueDirFor(stack, target) },
    };
  }
  const auth = stack.receivers.auth;
  if (auth) extensions['bearertokenauth'] = { token: `\${env:${auth.bearerTokenEnv}}` };

  return {
    extensions,
    receivers: { otlp: { protocols: renderProtocols(stack) } },
    processors: {
      // First in every pipeline: refuse data (retryable) before memory runs out, never after.
      memory_limiter: {
        check_interval: '1s',
        limit_mib: stack.collector.memoryLimitMiB,
        spike_limit_mib: Math.max(16, Math.floor(stack.collector.memoryLimitMiB / 5)),
      },
      ...chain.processors,
    },
    exporters: { [exporter.id]: exporter.config },
    service: {
      extensions: Object.keys(extensions),
      telemetry: {
        logs: { level: 'info' },
        metrics: {
          level: 'normal',
          readers: [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port: stack.collector.metricsPort } } } }],
        },
      },
      pipelines: Object.fromEntries(
        signals.map((signal) => [
          signal,
          { receivers: ['otlp'], processors: ['memory_limiter', ...chain.order[signal]], exporters: [exporter.id] },
        ]),
      ),
    },
  };
}

/** privacy.engine: our one-pass processor, or the chain of upstream processors. */
export function renderSanitize(stack: Stack, inputs: SanitizeInputs): SanitizeChain {
  return stack.privacy.engine === 'stock' ? renderSanitizeChain(stack, inputs) : renderSanitizeProcessor(stack);
}

function renderProtocols(stack: Stack): Record<string, unknown> {
  const r = stack.receivers;
  const common = {
    ...(r.auth ? { auth: { authenticator: 'bearertokenauth' } } : {}),
    ...(r.tls ? { tls: tlsFiles(stack) } : {}),
  };
  const protocols: Record<string, unknown> = {};
  if (r.grpc.enabled) protocols['grpc'] = { endpoint: hostPort(r.bind, r.grpc.port), ...common };
  if (r.http.enabled) protocols['http'] = { endpoint: hostPort(r.bind, r.http.port), ...common };
  return protocols;
}

/** Generated files live in <dataDir>/tls (written by `up`, runtime/tls.ts); the rules keep generate off Docker. */
function tlsFiles(stack: Stack): { cert_file: string | undefined; key_file: string | undefined } {
  const tls = stack.receivers.tls!;
  if (tls.generate) return { cert_file: join(stack.dataDir, 'tls', 'cert.pem'), key_file: join(stack.dataDir, 'tls', 'key.pem') };
  return { cert_file: tls.certFile, key_file: tls.keyFile };
}

const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/**
 * Exporter-side batching on the sending queue, never a batch processor: a batch processor holds
 * data in memory after the receiver acknowledged it, so a kill loses it (collector #12711).
 */
function deliveryConfig(stack: Stack): Record<string, unknown> {
  const d = stack.delivery;
  return {
    sending_queue: {
      enabled: true,
      ...(d.persistentQueue ? { storage: 'file_storage/queue' } : {}),
      queue_size: d.queueSize,
      batch: { flush_timeout: goDuration(d.flushInterval), min_size: d.batchSize, max_size: d.batchSize * 2 },
    },
    retry_on_failure: {
      enabled: true,
      initial_interval: goDuration(d.retry.initialInterval),
      max_interval: goDuration(d.retry.maxInterval),
      max_elapsed_time: goDuration(d.retry.maxElapsedTime),
    },
  };
}

function renderExporter(stack: Stack): { id: string; config: Record<string, unknown> } {
  if (stack.backend === 'loki') {
    const headers = lokiHeaderTemplates(stack);
    return {
      id: 'otlp_http/loki',
      config: {
        // Loki's native OTLP ingest; the exporter appends /v1/logs.
        endpoint: `${storageEndpoint(stack).url}/otlp`,
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        timeout: '10s',
        ...deliveryConfig(stack),
      },
    };
  }
  const ch = stack.clickhouse;
  return {
    id: 'clickhouse',
    config: {
      endpoint: storageEndpoint(stack).url,
      database: ch.database,
      username: clickhouseUsername(stack, 'writer'),
      password: `\${env:${ch.passwordEnv}}`,
      ttl: goDuration(stack.retention),
      create_schema: true,
      // Plain bodies for the embedded engine, whose earlier HTTP front could not read ClickHouse's
      // block compression; a server gets lz4 unless told otherwise.
      compress: ch.compress ?? (stack.backend === 'embedded' ? 'none' : 'lz4'),
      // Synchronous inserts: ClickHouse deduplicates a retried block only on that path (an async
      // insert into a non-replicated table is never deduplicated), and the exporter already sends
      // batches of thousands of rows, the size async inserts exist to build. The embedded engine
      // inserts synchronously either way.
      async_insert: false,
      timeout: '10s',
      ...deliveryConfig(stack),
    },
  };
}
