import { pins } from '../pins.js';
import type { Stack } from '../stack/resolve.js';
import { MAX_REQUEST_MIB } from './collector-config.js';

/**
 * The optional agent of the Kubernetes bundle: a Collector on every node (a DaemonSet; its config
 * also serves a sidecar) that takes OTLP from sources inside the cluster on the node's address
 * and forwards it to the gateways' Service over OTLP/HTTP with the bearer token. It sanitizes
 * nothing and stores nothing: the gateways do both, so one place holds the privacy rules and the
 * HMAC key. Its queue is in memory; what it holds is not yet acknowledged to the gateways, and
 * its retries keep a gateway restart from losing it.
 */

const AGENT_CONFIG_DIR = '/etc/otelcol';
const COLLECTOR_UID = 10001;

export function agentName(stack: Stack): string {
  return `${stack.name}-agent`;
}

export function renderAgentConfig(stack: Stack, gatewayService: string, namespace: string): Record<string, unknown> {
  const r = stack.receivers;
  const auth = r.auth!;
  const scheme = r.tls ? 'https' : 'http';
  const protocols: Record<string, unknown> = {};
  // The pod's own network: the DaemonSet publishes these on the node's address (hostPort).
  if (r.grpc.enabled) protocols['grpc'] = { endpoint: `0.0.0.0:${r.grpc.port}`, max_recv_msg_size_mib: MAX_REQUEST_MIB };
  if (r.http.enabled) protocols['http'] = { endpoint: `0.0.0.0:${r.http.port}`, max_request_body_size: MAX_REQUEST_MIB * 1024 * 1024 };
  return {
    extensions: {
      health_check: { endpoint: `0.0.0.0:${stack.collector.healthPort}` },
      bearertokenauth: { token: `\${env:${auth.bearerTokenEnv}}` },
    },
    receivers: { otlp: { protocols } },
    processors: {
      memory_limiter: { check_interval: '1s', limit_mib: 200, spike_limit_mib: 40 },
    },
    exporters: {
      'otlp_http/gateway': {
        endpoint: `${scheme}://${gatewayService}.${namespace}.svc.cluster.local:${r.http.port}`,
        auth: { authenticator: 'bearertokenauth' },
        compression: 'gzip',
        timeout: '10s',
        sending_queue: { enabled: true, queue_size: 1000 },
        retry_on_failure: { enabled: true, initial_interval: '1s', max_interval: '30s', max_elapsed_time: '0s' },
      },
    },
    service: {
      extensions: ['health_check', 'bearertokenauth'],
      telemetry: { logs: { level: 'info' }, metrics: { level: 'none' } },
      pipelines: Object.fromEntries(['logs', 'metrics'].map((signal) => [signal, { receivers: ['otlp'], processors: ['memory_limiter'], exporters: ['otlp_http/gateway'] }])),
    },
  };
}

export function agentDaemonSet(stack: Stack, options: { configMapName: string; secretName: string; labels: Record<string, string> }): Record<string, unknown> {
  const r = stack.receivers;
  const image = stack.images.collector ?? pins.images.collector;
  const labels = { ...options.labels, 'app.kubernetes.io/name': 'telemetry-stack-agent', 'app.kubernetes.io/component': 'agent' };
  const ports = [
    ...(r.grpc.enabled ? [{ name: 'otlp-grpc', containerPort: r.grpc.port, hostPort: r.grpc.port, protocol: 'TCP' }] : []),
    ...(r.http.enabled ? [{ name: 'otlp-http', containerPort: r.http.port, hostPort: r.http.port, protocol: 'TCP' }] : []),
    { name: 'health', containerPort: stack.collector.healthPort, protocol: 'TCP' },
  ];
  const probe = { httpGet: { path: '/', port: 'health' }, periodSeconds: 10, timeoutSeconds: 2 };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: agentName(stack), labels },
    spec: {
      selector: { matchLabels: labels },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: COLLECTOR_UID, runAsGroup: COLLECTOR_UID },
          containers: [
            {
              name: 'otelcol',
              image,
              args: [`--config=${AGENT_CONFIG_DIR}/config.yaml`],
              ports,
              env: [{ name: r.auth!.bearerTokenEnv, valueFrom: { secretKeyRef: { name: options.secretName, key: r.auth!.bearerTokenEnv } } }],
              livenessProbe: probe,
              readinessProbe: probe,
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'config', mountPath: AGENT_CONFIG_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: options.configMapName } }],
        },
      },
    },
  };
}
