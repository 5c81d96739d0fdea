import { pins } from '../pins.js';
import type { Stack } from '../stack/resolve.js';
import { clickhousePorts } from '../stack/storage-endpoint.js';
import type { RenderedFile } from './rendered-file.js';
import { CONTAINER_QUEUE_DIR, POD_TLS_DIR, renderCollectorConfig } from './collector-config.js';
import type { SanitizeInputs } from './sanitize/chain.js';
import { agentDaemonSet, agentName, renderAgentConfig } from './kubernetes-agent.js';
import { renderSchemaJobStackFile, schemaJob, schemaJobName } from './kubernetes-schema-job.js';
import { generatedHeader, toYaml } from './yaml.js';

/**
 * `generate --target kubernetes`: a kustomize bundle for a tier of identical gateway Collectors
 * (a StatefulSet, so each gateway keeps its own persistent queue on its own volume claim), and a
 * values file for the upstream opentelemetry-collector Helm chart that runs the same Collector
 * config. Pure: no clock, no environment, no file system.
 *
 * No secret value is ever written: create-secret.sh names the keys and takes every value from the
 * environment of whoever runs it (kustomize's secretGenerator would need the values in a file).
 */

/** Upstream Helm chart the values file is written for (its values.yaml at this version was read). */
export const HELM_CHART = { name: 'opentelemetry-collector', version: '0.170.0' };

/** The contrib image runs as this user; the pod's fsGroup makes the queue volume writable for it. */
const COLLECTOR_UID = 10001;
const CONFIG_DIR = '/etc/otelcol';
const QUEUE_CLAIM = 'queue';
/** Cluster DNS: kube-system's pods labelled k8s-app: kube-dns, as CoreDNS and kube-dns both label them. */
const DNS_SELECTOR = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

export interface KubernetesNames {
  gateway: string;
  headless: string;
  config: string;
  secrets: string;
  tls: string;
  clickhouse: string;
  keeper: string;
  /** ConfigMap of the schema Job's stack file. */
  schema: string;
  agentConfig: string;
}

export function kubernetesNames(stack: Stack): KubernetesNames {
  const gateway = `${stack.name}-gateway`;
  return {
    gateway,
    headless: `${gateway}-headless`,
    config: `${gateway}-config`,
    secrets: `${gateway}-secrets`,
    tls: `${gateway}-tls`,
    clickhouse: stack.name,
    keeper: stack.name,
    schema: schemaJobName(stack),
    agentConfig: `${agentName(stack)}-config`,
  };
}

/** Environment variables the gateways read, by name: the Secret's keys. */
export function gatewaySecretNames(stack: Stack): string[] {
  const names = new Set<string>([stack.clickhouse.passwordEnv]);
  if (stack.privacy.userId.mode === 'hmac') names.add(stack.privacy.userId.keyEnv);
  if (stack.receivers.auth) names.add(stack.receivers.auth.bearerTokenEnv);
  return [...names].sort();
}

function settings(stack: Stack) {
  const t = stack.topology ?? { gateways: 2, maxConnectionAge: '5m', queueVolumeSize: '10Gi', maxGateways: undefined };
  const k = stack.kubernetes ?? { namespace: 'telemetry', serviceType: 'ClusterIP' as const, storageClassName: undefined, clickhouseInstallation: undefined, agent: false };
  return { t, k, maxGateways: t.maxGateways ?? t.gateways * 2 };
}

function labels(stack: Stack): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'telemetry-stack-gateway',
    'app.kubernetes.io/instance': stack.name,
    'app.kubernetes.io/component': 'gateway',
  };
}

function otlpPorts(stack: Stack): { name: string; port: number; appProtocol: string }[] {
  const r = stack.receivers;
  const ports: { name: string; port: number; appProtocol: string }[] = [];
  if (r.grpc.enabled) ports.push({ name: 'otlp-grpc', port: r.grpc.port, appProtocol: 'grpc' });
  if (r.http.enabled) ports.push({ name: 'otlp-http', port: r.http.port, appProtocol: 'http' });
  return ports;
}

function memoryMiB(stack: Stack): number {
  // Headroom above memory_limiter's hard limit for the Go runtime and the queue's file buffers.
  return stack.collector.memoryLimitMiB + 256;
}

/** Each secret as an environment variable taken from the gateways' Secret by reference. */
function secretEnv(stack: Stack): Record<string, unknown>[] {
  const names = kubernetesNames(stack);
  return gatewaySecretNames(stack).map((name) => ({ name, valueFrom: { secretKeyRef: { name: names.secrets, key: name } } }));
}

function statefulSet(stack: Stack): Record<string, unknown> {
  const { t, k } = settings(stack);
  const names = kubernetesNames(stack);
  const selector = labels(stack);
  const health = stack.collector.healthPort;
  const probe = (failureThreshold: number) => ({
    httpGet: { path: '/', port: 'health' },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold,
  });
  const volumeMounts: Record<string, unknown>[] = [
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: QUEUE_CLAIM, mountPath: CONTAINER_QUEUE_DIR },
  ];
  const volumes: Record<string, unknown>[] = [{ name: 'config', configMap: { name: names.config } }];
  if (stack.receivers.tls) {
    volumeMounts.push({ name: 'tls', mountPath: POD_TLS_DIR, readOnly: true });
    volumes.push({ name: 'tls', secret: { secretName: names.tls } });
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: names.gateway, labels: selector },
    spec: {
      serviceName: names.headless,
      replicas: t.gateways,
      // Gateways are identical and hold no state with each other: start and stop them together.
      podManagementPolicy: 'Parallel',
      // A removed gateway's queue may still hold acknowledged data: its claim stays until an
      // operator has seen it drained (docs/scale-out.md).
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: {
          automountServiceAccountToken: false,
          // Time for the exporter to finish the batch in flight; the rest stays queued on disk.
          terminationGracePeriodSeconds: 60,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: COLLECTOR_UID,
            runAsGroup: COLLECTOR_UID,
            fsGroup: COLLECTOR_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // Losing one node should cost one gateway, not the tier.
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
          containers: [
            {
              name: 'collector',
              image: stack.images.collector ?? pins.images.collector,
              args: [`--config=${CONFIG_DIR}/config.yaml`],
              ports: [...otlpPorts(stack).map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })), { name: 'health', containerPort: health, protocol: 'TCP' }],
              env: [{ name: 'GOMEMLIMIT', value: `${stack.collector.memoryLimitMiB}MiB` }, ...secretEnv(stack)],
              resources: {
                requests: { cpu: '1', memory: `${memoryMiB(stack)}Mi` },
                limits: { memory: `${memoryMiB(stack)}Mi` },
              },
              readinessProbe: probe(2),
              livenessProbe: probe(6),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts,
            },
          ],
          volumes,
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: QUEUE_CLAIM, labels: selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(k.storageClassName !== undefined ? { storageClassName: k.storageClassName } : {}),
            resources: { requests: { storage: t.queueVolumeSize } },
          },
        },
      ],
    },
  };
}

function service(stack: Stack, headless: boolean): Record<string, unknown> {
  const { k } = settings(stack);
  const names = kubernetesNames(stack);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: headless ? names.headless : names.gateway, labels: labels(stack) },
    spec: {
      ...(headless ? { clusterIP: 'None' } : { type: k.serviceType }),
      selector: labels(stack),
      ports: otlpPorts(stack).map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP', appProtocol: p.appProtocol })),
    },
  };
}

function autoscaler(stack: Stack): Record<string, unknown> {
  const { t, maxGateways } = settings(stack);
  const names = kubernetesNames(stack);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: names.gateway, labels: labels(stack) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: names.gateway },
      minReplicas: t.gateways,
      maxReplicas: maxGateways,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 60,
          selectPolicy: 'Max',
          policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }],
        },
        // Scale-in strands what the removed gateway still has queued until its ordinal returns, so
        // it happens rarely and one gateway at a time: 15 minutes of lower load, then one pod per
        // 10 minutes.
        scaleDown: {
          stabilizationWindowSeconds: 900,
          selectPolicy: 'Min',
          policies: [{ type: 'Pods', value: 1, periodSeconds: 600 }],
        },
      },
    },
  };
}

function disruptionBudget(stack: Stack): Record<string, unknown> {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: kubernetesNames(stack).gateway, labels: labels(stack) },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels(stack) } },
  };
}

function networkPolicy(stack: Stack): Record<string, unknown> {
  const { k } = settings(stack);
  const names = kubernetesNames(stack);
  const tcp = (port: number) => ({ protocol: 'TCP', port });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: names.gateway, labels: labels(stack) },
    spec: {
      podSelector: { matchLabels: labels(stack) },
      policyTypes: ['Ingress', 'Egress'],
      // OTLP from any client: the bearer token, not the network, says who may send.
      ingress: [{ ports: otlpPorts(stack).map((p) => tcp(p.port)) }],
      egress: [
        { to: [DNS_SELECTOR], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] },
        {
          // A server outside the cluster has no pod to select (and a host name no fixed address):
          // only its ports are pinned. The installation rendered here is selected by its label.
          ...(k.clickhouseInstallation !== undefined ? { to: [{ podSelector: { matchLabels: { 'clickhouse.altinity.com/chi': names.clickhouse } } }] } : {}),
          ports: clickhousePorts(stack).map(tcp),
        },
      ],
    },
  };
}

/**
 * The Altinity operator's resources: one shard with the configured replicas, and a Keeper
 * ensemble for replication. The ClickHouse user's password comes from the gateways' Secret.
 */
function clickhouseInstallation(stack: Stack): Record<string, unknown>[] {
  const { k } = settings(stack);
  const chi = k.clickhouseInstallation!;
  const names = kubernetesNames(stack);
  const user = stack.clickhouse.username;
  const claim = (size: string) => [{ name: 'data', spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } } }];
  return [
    {
      apiVersion: 'clickhouse-keeper.altinity.com/v1',
      kind: 'ClickHouseKeeperInstallation',
      metadata: { name: names.keeper, labels: labels(stack) },
      spec: {
        configuration: { clusters: [{ name: 'keeper', layout: { replicasCount: chi.keeperReplicas } }] },
        defaults: { templates: { dataVolumeClaimTemplate: 'data' } },
        templates: { volumeClaimTemplates: claim('10Gi') },
      },
    },
    {
      apiVersion: 'clickhouse.altinity.com/v1',
      kind: 'ClickHouseInstallation',
      metadata: { name: names.clickhouse, labels: labels(stack) },
      spec: {
        configuration: {
          // The operator names the Keeper ensemble's Service keeper-<name>.
          zookeeper: { nodes: [{ host: `keeper-${names.keeper}`, port: 2181 }] },
          users: {
            [`${user}/k8s_secret_password`]: `${names.secrets}/${stack.clickhouse.passwordEnv}`,
            [`${user}/networks/ip`]: ['0.0.0.0/0', '::/0'],
          },
          clusters: [{ name: stack.clickhouse.cluster!.name, layout: { shardsCount: 1, replicasCount: chi.replicas } }],
        },
        defaults: { templates: { dataVolumeClaimTemplate: 'data' } },
        templates: { volumeClaimTemplates: claim(chi.storageSize) },
      },
    },
  ];
}

function kustomization(stack: Stack, resources: string[]): Record<string, unknown> {
  const { k } = settings(stack);
  const names = kubernetesNames(stack);
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: k.namespace,
    resources,
    // The config's hash in the name rolls the gateways (and the agents) when the config changes.
    configMapGenerator: [
      { name: names.config, files: ['config.yaml=collector.yaml'] },
      { name: names.schema, files: ['telemetry-stack.yaml=schema-stack.yaml'] },
      ...(k.agent ? [{ name: names.agentConfig, files: ['config.yaml=agent-collector.yaml'] }] : []),
    ],
  };
}

/**
 * Creates or updates the gateways' Secret from the caller's environment; refuses to run with a
 * variable unset, since an empty token or key would start gateways that accept anyone or hash
 * with an empty key.
 */
function createSecretScript(stack: Stack, source: string): string {
  const { k } = settings(stack);
  const names = gatewaySecretNames(stack);
  return [
    '#!/bin/sh',
    `# Generated by telemetry-stack from ${source}. Do not edit: change the stack file and run \`telemetry-stack generate --target kubernetes\`.`,
    "# Creates or updates the gateways' Secret from your environment; no value is written to a file.",
    '# Every gateway reads the same Secret, so one user gets one hash across gateways.',
    '# Generate a value with: openssl rand -hex 32',
    'set -eu',
    ...names.map((n) => `: "\${${n}:?export ${n} first}"`),
    `kubectl create secret generic ${kubernetesNames(stack).secrets} --namespace ${k.namespace} \\`,
    ...names.map((n) => `  --from-literal=${n}="$${n}" \\`),
    '  --dry-run=client --output yaml | kubectl apply --filename -',
    '',
  ].join('\n');
}

/**
 * Values for the upstream chart running the same Collector config: the chart's own defaults
 * (jaeger, zipkin, a debug exporter, a batch processor) are replaced, not merged, through
 * alternateConfig, because a batch processor in front of the exporter would hold acknowledged data
 * in memory.
 */
function helmValues(stack: Stack, collectorConfig: Record<string, unknown>): Record<string, unknown> {
  const { t, k, maxGateways } = settings(stack);
  const names = kubernetesNames(stack);
  const image = stack.images.collector ?? pins.images.collector;
  const colon = image.lastIndexOf(':');
  const disabled = { enabled: false };
  const r = stack.receivers;
  return {
    mode: 'statefulset',
    namespaceOverride: k.namespace,
    image: { repository: image.slice(0, colon), tag: image.slice(colon + 1) },
    command: { name: image.includes('contrib') ? 'otelcol-contrib' : 'otelcol' },
    replicaCount: t.gateways,
    alternateConfig: collectorConfig,
    ports: {
      otlp: { enabled: r.grpc.enabled, containerPort: r.grpc.port, servicePort: r.grpc.port, protocol: 'TCP', appProtocol: 'grpc' },
      'otlp-http': { enabled: r.http.enabled, containerPort: r.http.port, servicePort: r.http.port, protocol: 'TCP' },
      'jaeger-compact': disabled,
      'jaeger-thrift': disabled,
      'jaeger-grpc': disabled,
      zipkin: disabled,
      metrics: disabled,
    },
    extraEnvs: secretEnv(stack),
    // The chart mounts its volume claim templates nowhere by itself.
    ...(r.tls ? { extraVolumes: [{ name: 'tls', secret: { secretName: names.tls } }] } : {}),
    extraVolumeMounts: [{ name: QUEUE_CLAIM, mountPath: CONTAINER_QUEUE_DIR }, ...(r.tls ? [{ name: 'tls', mountPath: POD_TLS_DIR, readOnly: true }] : [])],
    resources: { requests: { cpu: '1', memory: `${memoryMiB(stack)}Mi` }, limits: { memory: `${memoryMiB(stack)}Mi` } },
    livenessProbe: { httpGet: { port: stack.collector.healthPort, path: '/' } },
    readinessProbe: { httpGet: { port: stack.collector.healthPort, path: '/' } },
    securityContext: { runAsNonRoot: true, runAsUser: COLLECTOR_UID, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    podSecurityContext: { fsGroup: COLLECTOR_UID },
    service: { type: k.serviceType },
    statefulset: {
      podManagementPolicy: 'Parallel',
      volumeClaimTemplates: [
        {
          metadata: { name: QUEUE_CLAIM },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(k.storageClassName !== undefined ? { storageClassName: k.storageClassName } : {}),
            resources: { requests: { storage: t.queueVolumeSize } },
          },
        },
      ],
      persistentVolumeClaimRetentionPolicy: { enabled: true, whenDeleted: 'Retain', whenScaled: 'Retain' },
    },
    autoscaling: {
      enabled: true,
      minReplicas: t.gateways,
      maxReplicas: maxGateways,
      targetCPUUtilizationPercentage: 70,
      behavior: (autoscaler(stack)['spec'] as { behavior: unknown }).behavior,
    },
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    networkPolicy: {
      enabled: true,
      egressRules: (networkPolicy(stack)['spec'] as { egress: unknown }).egress,
    },
  };
}

/** `toolVersion`: the telemetry-stack release the schema Job runs (npx telemetry-stack@<version>). */
export function renderKubernetesBundle(stack: Stack, inputs: SanitizeInputs, source: string, toolVersion: string): RenderedFile[] {
  const header = generatedHeader(source);
  const config = renderCollectorConfig(stack, inputs, 'kubernetes');
  const names = kubernetesNames(stack);
  const k = settings(stack).k;
  const resources: [string, unknown][] = [
    ['namespace.yaml', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: settings(stack).k.namespace } }],
    ['statefulset.yaml', statefulSet(stack)],
    ['service.yaml', service(stack, false)],
    ['service-headless.yaml', service(stack, true)],
    ['hpa.yaml', autoscaler(stack)],
    ['pdb.yaml', disruptionBudget(stack)],
    ['networkpolicy.yaml', networkPolicy(stack)],
  ];
  const files: RenderedFile[] = resources.map(([path, doc]) => ({ path: `kubernetes/${path}`, content: toYaml(doc, header) }));
  if (settings(stack).k.clickhouseInstallation !== undefined) {
    const [keeper, chi] = clickhouseInstallation(stack);
    files.push({ path: 'kubernetes/clickhouse-installation.yaml', content: header + [keeper, chi].map((d) => toYaml(d, '')).join('---\n') });
  }
  files.push({
    path: 'kubernetes/schema-job.yaml',
    content: header + schemaJob(stack, { secretName: names.secrets, configMapName: names.schema, labels: labels(stack), toolVersion }),
  });
  if (k.agent) {
    files.push({ path: 'kubernetes/agent-daemonset.yaml', content: toYaml(agentDaemonSet(stack, { configMapName: names.agentConfig, secretName: names.secrets, labels: labels(stack) }), header) });
  }
  const resourcePaths = files.map((f) => f.path.slice('kubernetes/'.length));
  files.push(
    { path: 'kubernetes/collector.yaml', content: toYaml(config, header) },
    { path: 'kubernetes/schema-stack.yaml', content: renderSchemaJobStackFile(stack, header) },
    ...(k.agent ? [{ path: 'kubernetes/agent-collector.yaml', content: toYaml(renderAgentConfig(stack, names.gateway, k.namespace), header) }] : []),
    { path: 'kubernetes/create-secret.sh', content: createSecretScript(stack, source) },
    { path: 'kubernetes/kustomization.yaml', content: toYaml(kustomization(stack, resourcePaths), header) },
    { path: 'helm/values.yaml', content: toYaml(helmValues(stack, config), `${header}# Values for the ${HELM_CHART.name} Helm chart ${HELM_CHART.version}.\n`) },
  );
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
