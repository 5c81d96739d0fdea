import { pins } from '../pins.js';
import type { Stack } from '../stack/resolve.js';
import { toYaml } from './yaml.js';

/**
 * The schema Job of the Kubernetes bundle: `telemetry-stack schema apply` against the stack's
 * ClickHouse (ON CLUSTER through clickhouse.url on a cluster with Keeper), from a stack file that
 * holds only what the schema depends on. The same apply `up` runs; idempotent, so running it
 * again after a change of the stack file adds what is missing and changes TTLs.
 */

/** Where the Job mounts its stack file. */
const STACK_DIR = '/etc/telemetry-stack';
/** The official node image runs as this user. */
const NODE_UID = 1000;

export function schemaJobName(stack: Stack): string {
  return `${stack.name}-schema`;
}

/** The stack file the Job reads: the ClickHouse settings and the retention, nothing else. */
export function renderSchemaJobStackFile(stack: Stack, header: string): string {
  const ch = stack.clickhouse;
  const cluster = ch.cluster;
  return toYaml(
    {
      version: 1,
      name: stack.name,
      backend: 'clickhouse',
      // The CLI keeps nothing here; an emptyDir, since the root file system is read-only.
      dataDir: '/tmp/telemetry-stack',
      retention: stack.retention,
      clickhouse: {
        url: ch.url,
        database: ch.database,
        username: ch.username,
        passwordEnv: ch.passwordEnv,
        ...(cluster ? { cluster: { name: cluster.name, replicated: cluster.replicated, ...(cluster.nodes ? { nodes: cluster.nodes } : {}) } } : {}),
      },
    },
    header,
  );
}

export function schemaJob(stack: Stack, options: { secretName: string; configMapName: string; labels: Record<string, string>; toolVersion: string }): string {
  const labels = { ...options.labels, 'app.kubernetes.io/name': 'telemetry-stack-schema', 'app.kubernetes.io/component': 'schema' };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: schemaJobName(stack), labels },
    spec: {
      // On one server the exporter creates otel_logs when the first gateway starts; until then
      // apply fails and the Job retries with its backoff.
      backoffLimit: 10,
      // A Job's pod template cannot change in place: once it has gone, the next apply of the bundle runs it again.
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, runAsUser: NODE_UID, runAsGroup: NODE_UID },
          containers: [
            {
              name: 'schema-apply',
              image: stack.images.node ?? pins.images.node,
              command: ['npx', '--yes', `telemetry-stack@${options.toolVersion}`, 'schema', 'apply', '--file', `${STACK_DIR}/telemetry-stack.yaml`],
              env: [
                { name: 'HOME', value: '/tmp' },
                { name: 'npm_config_cache', value: '/tmp/npm' },
                { name: stack.clickhouse.passwordEnv, valueFrom: { secretKeyRef: { name: options.secretName, key: stack.clickhouse.passwordEnv } } },
              ],
              volumeMounts: [
                { name: 'stack', mountPath: STACK_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
          volumes: [
            { name: 'stack', configMap: { name: options.configMapName } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
  return toYaml(job, '');
}
