import { homeOf } from '../home/layout.js';
import { goDuration } from '../stack/duration.js';
import { clickhouseExporterEndpoint, clickhouseUsername, lokiHeaderTemplates, storageEndpoint } from '../stack/storage-endpoint.js';
import type { Stack } from '../stack/resolve.js';
import { renderSanitizeChain, type SanitizeChain, type SanitizeInputs, type Signal } from './sanitize/chain.js';
import { renderSanitizeProcessor } from './sanitize/processor.js';
import { schemaLayout } from '../schema/layout.js';

/**
 * Where the Collector runs decides its file paths and listen addresses: process and docker stay on
 * loopback (host networking); kubernetes listens on the pod's own network, which the stack rules
 * allow only with receivers.auth (topology needs it).
 */
export type CollectorTarget = 'process' | 'docker' | 'kubernetes';

/** Path of the persistent queue inside the Collector container (a named volume is mounted here). */
export const CONTAINER_QUEUE_DIR = '/var/lib/otelcol/file_storage';
/** Where a gateway pod mounts the TLS Secret (kubernetes.io/tls keys). */
export const POD_TLS_DIR = '/etc/telemetry-stack/tls';
/** A pod's own network namespace: every interface of it, which is what a Service reaches. */
const POD_BIND = '0.0.0.0';

export function queueDirFor(stack: Stack, target: CollectorTarget): string {
  return target === 'process' ? homeOf(stack.dataDir).queueDir : CONTAINER_QUEUE_DIR;
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
    // The kubelet probes the pod's address, never its loopback.
    health_check: { endpoint: hostPort(target === 'kubernetes' ? POD_BIND : '127.0.0.1', stack.collector.healthPort) },
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
    receivers: { otlp: { protocols: renderProtocols(stack, target) } },
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
      pipelines: Object.fromEntries(signals.map((signal) => [signal, { receivers: ['otlp'], processors: ['memory_limiter', ...chain.order[signal]], exporters: [exporter.id] }])),
    },
  };
}

/** privacy.engine: our one-pass processor, or the chain of upstream processors. */
export function renderSanitize(stack: Stack, inputs: SanitizeInputs): SanitizeChain {
  return stack.privacy.engine === 'stock' ? renderSanitizeChain(stack, inputs) : renderSanitizeProcessor(stack);
}

/** Largest OTLP request the receivers take, decompressed. */
export const MAX_REQUEST_MIB = 8;

function renderProtocols(stack: Stack, target: CollectorTarget): Record<string, unknown> {
  const r = stack.receivers;
  const common = {
    ...(r.auth ? { auth: { authenticator: 'bearertokenauth' } } : {}),
    ...(r.tls ? { tls: target === 'kubernetes' ? { cert_file: `${POD_TLS_DIR}/tls.crt`, key_file: `${POD_TLS_DIR}/tls.key` } : tlsFiles(stack) } : {}),
  };
  const bind = target === 'kubernetes' ? POD_BIND : r.bind;
  // A gRPC client keeps one connection for as long as it lives, so a gateway added later would get
  // none of the old clients; closing connections after an age makes them reconnect through the
  // load balancer. The grace lets requests in flight finish first.
  const keepalive = stack.topology ? { keepalive: { server_parameters: { max_connection_age: goDuration(stack.topology.maxConnectionAge), max_connection_age_grace: '30s' } } } : {};
  const protocols: Record<string, unknown> = {};
  // Both limits apply to the decompressed request, so a few kilobytes of gzip cannot ask for more
  // work than 8 MiB of telemetry; one command's event or a Claude Code batch is far smaller.
  if (r.grpc.enabled) protocols['grpc'] = { endpoint: hostPort(bind, r.grpc.port), max_recv_msg_size_mib: MAX_REQUEST_MIB, ...keepalive, ...common };
  if (r.http.enabled) protocols['http'] = { endpoint: hostPort(bind, r.http.port), max_request_body_size: MAX_REQUEST_MIB * 1024 * 1024, ...common };
  return protocols;
}

/** Generated files live in <dataDir>/tls (written by `up`, runtime/tls.ts; the paths are home/layout.ts); the rules keep generate off Docker. */
function tlsFiles(stack: Stack): { cert_file: string | undefined; key_file: string | undefined } {
  const tls = stack.receivers.tls!;
  if (tls.generate) {
    const files = homeOf(stack.dataDir).tls;
    return { cert_file: files.certFile, key_file: files.keyFile };
  }
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
      endpoint: clickhouseExporterEndpoint(stack),
      database: ch.database,
      username: clickhouseUsername(stack, 'writer'),
      password: `\${env:${ch.passwordEnv}}`,
      ttl: goDuration(stack.retention),
      // On a cluster the tables are telemetry-stack's (`schema apply`): the exporter would create
      // local tables only, and every row would stay on the shard its insert reached.
      create_schema: schemaLayout(stack).owner === 'exporter',
      // The exporter's own default, for every ClickHouse: the embedded engine is ClickHouse's own
      // server too (scripts/bench-runtime.mjs compares it with none on loopback).
      compress: ch.compress ?? 'lz4',
      // Synchronous inserts: ClickHouse deduplicates a retried block only on that path (an async
      // insert into a non-replicated table is never deduplicated), and the exporter already sends
      // batches of thousands of rows, the size async inserts exist to build. The embedded engine
      // inserts synchronously either way.
      async_insert: false,
      ...clusterSettings(stack),
      timeout: '10s',
      ...deliveryConfig(stack),
    },
  };
}

/**
 * Exporter settings for a cluster; none for one server, so a single-node config stays as it was.
 * The exporter writes into the Distributed otel_* tables (its default table names) of the schema
 * `telemetry-stack schema apply` creates; cluster_name and table_engine would only matter to a
 * schema it created itself.
 */
function clusterSettings(stack: Stack): Record<string, unknown> {
  if (schemaLayout(stack).owner === 'exporter') return {};
  return {
    connection_params: {
      // A retried block must be dropped by the shard that already has it: deduplication on (the
      // replicated default, stated so no profile turns it off), and the Distributed table
      // forwards each shard's part of the block before the insert is acknowledged, so the retry
      // meets the same parts (a background send would acknowledge rows no shard holds yet).
      insert_deduplicate: '1',
      distributed_foreground_insert: '1',
    },
  };
}
