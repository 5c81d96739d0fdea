import { pins } from '../pins.js';
import type { Stack } from '../stack/resolve.js';
import { CHDB_SERVER_READER_PASSWORD_ENV, embeddedNativePort, storageEndpoint } from '../stack/storage-endpoint.js';
import { CONTAINER_QUEUE_DIR } from './collector-config.js';
import { CONTAINER_LOKI_DIR } from './loki-config.js';

/**
 * One description of each container, used both by the Docker runtime and by the compose renderer,
 * so `docker compose up` and `telemetry-stack up` create the same thing.
 *
 * Every container uses host networking and every server in it listens on 127.0.0.1: nothing is
 * reachable from beyond this machine, and no port mapping can widen that by mistake.
 */
export interface ContainerSpec {
  service: 'collector' | 'clickhouse' | 'loki';
  name: string;
  image: string;
  command: string[];
  /** Literal values, or `${NAME}` references resolved from the environment (compose: from .env). */
  env: Record<string, string>;
  volumes: { volume: string; target: string }[];
  /** Rendered files bind-mounted read-only; `source` is relative to the generated directory. */
  files: { source: string; target: string }[];
  healthcheck?: { test: string[]; intervalSeconds: number; timeoutSeconds: number; retries: number; startPeriodSeconds: number };
  memoryLimitMiB: number;
  dependsOn: string[];
  labels: Record<string, string>;
}

export const LABEL_TOOL = 'dev.telemetry-stack.tool';
export const LABEL_STACK = 'dev.telemetry-stack.stack';
export const LABEL_SERVICE = 'dev.telemetry-stack.service';
export const LABEL_VERSION = 'dev.telemetry-stack.version';

export function volumeName(stack: Stack, what: string): string {
  return `telemetry-stack-${stack.name}-${what}`;
}

export function containerSpecs(stack: Stack, toolVersion: string): ContainerSpec[] {
  const labels = (service: ContainerSpec['service']) => ({
    [LABEL_TOOL]: 'telemetry-stack',
    [LABEL_STACK]: stack.name,
    [LABEL_SERVICE]: service,
    [LABEL_VERSION]: toolVersion,
  });
  // Storage the user brings (clickhouse.url, loki.url) gets no container: only the Collector runs.
  const storage: ContainerSpec | undefined = storageEndpoint(stack).external
    ? undefined
    : stack.backend === 'loki'
      ? {
          service: 'loki',
          name: `telemetry-stack-${stack.name}-loki`,
          image: stack.images.loki ?? pins.images.loki,
          command: ['-config.file=/etc/loki/loki.yaml'],
          env: {},
          volumes: [{ volume: volumeName(stack, 'loki'), target: CONTAINER_LOKI_DIR }],
          files: [{ source: 'loki.yaml', target: '/etc/loki/loki.yaml' }],
          memoryLimitMiB: 1024,
          dependsOn: [],
          labels: labels('loki'),
        }
      : stack.clickhouse.server === 'chdb-server'
        ? chdbServerSpec(stack, labels('clickhouse'))
        : {
            service: 'clickhouse',
            name: `telemetry-stack-${stack.name}-clickhouse`,
            image: stack.images.clickhouse ?? pins.images.clickhouse,
            command: [],
            env: {
              CLICKHOUSE_DB: stack.clickhouse.database,
              CLICKHOUSE_USER: stack.clickhouse.username,
              CLICKHOUSE_PASSWORD: `\${${stack.clickhouse.passwordEnv}}`,
              CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: '1',
            },
            volumes: [{ volume: volumeName(stack, 'clickhouse'), target: '/var/lib/clickhouse' }],
            // Replaces the image's own listen config (which opens 0.0.0.0 and ::) with loopback only.
            files: [{ source: 'clickhouse/listen.xml', target: '/etc/clickhouse-server/config.d/docker_related_config.xml' }],
            healthcheck: {
              test: ['CMD', 'wget', '--spider', '-q', `http://127.0.0.1:${stack.clickhouse.port}/ping`],
              intervalSeconds: 2,
              timeoutSeconds: 2,
              retries: 30,
              startPeriodSeconds: 5,
            },
            memoryLimitMiB: 2048,
            dependsOn: [],
            labels: labels('clickhouse'),
          };

  const collectorEnv: Record<string, string> = {};
  if (stack.backend !== 'loki') collectorEnv[stack.clickhouse.passwordEnv] = `\${${stack.clickhouse.passwordEnv}}`;
  if (stack.backend === 'loki' && stack.loki.bearerTokenEnv) collectorEnv[stack.loki.bearerTokenEnv] = `\${${stack.loki.bearerTokenEnv}}`;
  if (stack.privacy.userId.mode === 'hmac') collectorEnv[stack.privacy.userId.keyEnv] = `\${${stack.privacy.userId.keyEnv}}`;
  if (stack.receivers.auth) collectorEnv[stack.receivers.auth.bearerTokenEnv] = `\${${stack.receivers.auth.bearerTokenEnv}}`;

  const collector: ContainerSpec = {
    service: 'collector',
    name: `telemetry-stack-${stack.name}-collector`,
    image: stack.images.collector ?? pins.images.collector,
    command: ['--config=/etc/otelcol/config.yaml'],
    env: collectorEnv,
    volumes: [{ volume: volumeName(stack, 'queue'), target: CONTAINER_QUEUE_DIR }],
    files: [{ source: 'collector.yaml', target: '/etc/otelcol/config.yaml' }],
    memoryLimitMiB: stack.collector.memoryLimitMiB + 256,
    dependsOn: storage ? [storage.service] : [],
    labels: labels('collector'),
  };
  return storage ? [storage, collector] : [collector];
}

/** Where the storage image keeps its data (storage/chdb-server/Dockerfile). */
export const CHDB_SERVER_DATA_DIR = '/var/lib/chdb-server';

/**
 * ClickHouse's own server from libchdb in the FROM scratch storage image (clickhouse.server:
 * chdb-server). The launcher renders its server config from these flags, loopback only; both
 * passwords reach it as environment variables, so nothing secret is in a file the runtime writes.
 */
function chdbServerSpec(stack: Stack, labels: Record<string, string>): ContainerSpec {
  const ch = stack.clickhouse;
  return {
    service: 'clickhouse',
    name: `telemetry-stack-${stack.name}-clickhouse`,
    image: stack.images.clickhouse ?? pins.localImages.chdbServer,
    command: [
      '--password-env',
      ch.passwordEnv,
      '--reader-password-env',
      CHDB_SERVER_READER_PASSWORD_ENV,
      '--database',
      ch.database,
      '--port',
      String(ch.port),
      '--tcp-port',
      String(embeddedNativePort(ch)),
    ],
    env: { [ch.passwordEnv]: `\${${ch.passwordEnv}}`, [CHDB_SERVER_READER_PASSWORD_ENV]: `\${${CHDB_SERVER_READER_PASSWORD_ENV}}` },
    volumes: [{ volume: volumeName(stack, 'clickhouse'), target: CHDB_SERVER_DATA_DIR }],
    files: [],
    // The image has no shell and no wget: the launcher itself asks its /ping.
    healthcheck: { test: ['CMD', '/chdb-server', '--ping', String(ch.port)], intervalSeconds: 2, timeoutSeconds: 2, retries: 30, startPeriodSeconds: 5 },
    memoryLimitMiB: 2048,
    dependsOn: [],
    labels,
  };
}

/** ClickHouse server listen config: loopback only, on the stack's HTTP port. */
export function renderClickHouseListenXml(stack: Stack): string {
  return [
    '<!-- Generated by telemetry-stack. Loopback only: the container uses host networking. -->',
    '<clickhouse>',
    '    <listen_host>127.0.0.1</listen_host>',
    `    <http_port>${stack.clickhouse.port}</http_port>`,
    '</clickhouse>',
    '',
  ].join('\n');
}
