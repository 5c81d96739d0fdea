import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from './duration.js';

/**
 * The stack file schema: the one source for the TypeScript type, the defaults, the descriptions
 * and the JSON Schema in configs/ (generated, snapshot-checked). Every key has a description and,
 * where it can, a default, so a stack file may be as short as `version: 1`.
 */

export { CURRENT_VERSION, PROFILES, STACK_FILE_NAME, type ProfileName } from './constants.js';
import { PROFILES } from './constants.js';

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as 500ms, 30s, 5m, 12h or 90d');

const port = z.number().int().min(1).max(65535);

const MIN_RETENTION_SECONDS = 86_400;
const MAX_RETENTION_SECONDS = 3650 * 86_400;

/**
 * Seconds of a duration; NaN for text the duration regex refuses, which a bound check then lets
 * pass (zod runs every check, and the regex has already said what is wrong).
 */
function durationSeconds(text: string): number {
  return /^\d+(ms|s|m|h|d)$/.test(text) ? parseDuration(text) : Number.NaN;
}

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as TELEMETRY_STACK_TOKEN');

/** An existing server's address: http(s), a host, an optional port, no path beyond `/`. */
const storageUrl = z.string().refine((value) => {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && (u.pathname === '/' || u.pathname === '') && !u.search && !u.username;
  } catch {
    return false;
  }
}, 'expected http(s)://host[:port] with no path, query or credentials (credentials come from the environment)');

const receiverProtocol = (defaultPort: number, what: string) =>
  z
    .strictObject({
      enabled: z.boolean().default(true).describe(`Accept OTLP over ${what}.`),
      port: port.default(defaultPort).describe(`Port for OTLP over ${what}.`),
    })
    .prefault({});

const contentPolicy = z.enum(['drop', 'mask', 'keep']);

/**
 * The bind address lands in the Collector's `endpoint: host:port`; anything but an IP literal or
 * a host name would make the Collector fail at start, far from the line that caused it.
 */
function isBindAddress(value: string): boolean {
  if (isIP(value) !== 0) return true;
  return /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(value);
}

export const stackFileSchema = z
  .strictObject({
    version: z.union([z.number(), z.string()]).describe('Stack file format version, major.minor. An unknown major is rejected; a newer minor warns.'),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected lowercase letters, digits and dashes, starting with a letter')
      .default('telemetry')
      .describe('Stack name: labels containers, volumes and the data directory.'),
    dataDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Where collected data, the delivery queue, logs and state live. Default: $XDG_DATA_HOME/telemetry-stack/<name> ' +
          '(~/.local/share/...). A directory inside a git work tree is git-ignored automatically.',
      ),
    backend: z
      .enum(['embedded', 'clickhouse', 'loki'])
      .default('embedded')
      .describe('Storage: embedded (ClickHouse engine in a local process, no Docker needed), clickhouse (ClickHouse server) or loki (Grafana Loki).'),
    runtime: z
      .enum(['auto', 'docker', 'process'])
      .default('auto')
      .describe('How the stack runs: docker (containers), process (native processes) or auto (docker when an engine answers, else process).'),
    receivers: z
      .strictObject({
        bind: z
          .string()
          .refine(isBindAddress, 'expected an IP address such as 127.0.0.1 or ::1 (no brackets), or a host name')
          .default('127.0.0.1')
          .describe('Address the OTLP receivers listen on. Anything beyond loopback needs auth.bearerTokenEnv.'),
        grpc: receiverProtocol(4317, 'gRPC').describe('OTLP/gRPC receiver.'),
        http: receiverProtocol(4318, 'HTTP').describe('OTLP/HTTP receiver.'),
        auth: z
          .strictObject({
            bearerTokenEnv: envName.describe('Environment variable holding the bearer token clients must send (team mode).'),
          })
          .optional()
          .describe('Require a bearer token from clients (team mode).'),
        tls: z
          .strictObject({
            generate: z
              .boolean()
              .default(false)
              .describe('up generates a local CA and a certificate for the bind address into <dataDir>/tls; clients trust <dataDir>/tls/ca.pem. Runtime process only.'),
            certFile: z.string().min(1).optional().describe('PEM certificate file served by the receivers (instead of generate).'),
            keyFile: z.string().min(1).optional().describe('PEM private key file for certFile.'),
          })
          .optional()
          .describe('Serve the receivers over TLS: generate: true, or certFile and keyFile.'),
      })
      .prefault({})
      .describe('OTLP receivers clients send to.'),
    profiles: z
      .array(z.enum(PROFILES))
      .min(1)
      .default(['claude-code', 'cli-usage'])
      .describe(
        'Sources the stack accepts; each keeps only the attributes its reports need. claude-code: Claude Code metrics and events. ' +
          'cli-usage: one event per command from the telemetry-stack client library. generic: any other OTLP source, conservative allow-list. ' +
          'Data from a source whose profile is not listed is dropped.',
      ),
    privacy: z
      .strictObject({
        engine: z
          .enum(['processor', 'stock'])
          .default('processor')
          .describe(
            "What sanitizes: processor (the sanitize processor built into telemetry-stack's Collector: one pass, keyword-prefiltered, " +
              'about 4x the throughput of the chain) or stock (a chain of upstream processors, for an upstream Collector build).',
          ),
        masks: z
          .enum(['labelled', 'stars'])
          .default('labelled')
          .describe('How the processor writes a mask: labelled (<secret:rule-id>, <email>, <ip>) or stars (****). The stock chain always writes ****.'),
        maskSecrets: z.boolean().default(true).describe('Mask secrets (API keys, tokens, private keys, passwords in URLs) in attribute values and log bodies.'),
        maskEmails: z.boolean().default(true).describe('Mask email addresses in attribute values and log bodies.'),
        maskIpAddresses: z.boolean().default(true).describe('Mask IPv4 and IPv6 addresses in attribute values and log bodies.'),
        maskHomePaths: z.boolean().default(true).describe('Mask the user name in home-directory paths (/home/<user>, /Users/<user>, C:\\Users\\<user>).'),
        promptText: contentPolicy.default('drop').describe('Prompt and response text: drop (never stored), mask (stored with secrets and PII masked) or keep.'),
        toolDetails: contentPolicy.default('drop').describe('Tool parameters and input (e.g. whole Bash commands): drop, mask or keep.'),
        userId: z
          .strictObject({
            mode: z.enum(['hmac', 'keep', 'drop']).default('hmac').describe('User identity (user.id, user.email, user.account_uuid): hmac (keyed hash), keep, or drop.'),
            keyEnv: envName.default('TELEMETRY_STACK_HMAC_KEY').describe('Environment variable holding the HMAC key (at least 32 bytes) when mode is hmac.'),
          })
          .prefault({})
          .describe('Pseudonymization of user identity.'),
        blockedPatterns: z.array(z.string().min(1)).default([]).describe('Extra RE2 patterns masked wherever they appear (attribute values and log bodies).'),
        maxValueLength: z
          .number()
          .int()
          // A keyed user-id hash is 64 hex characters; a cut hash would match no one (purge).
          .min(64)
          .max(1_048_576)
          .default(4096)
          .describe('Attribute values and log bodies longer than this are truncated (at least 64, the length of a hashed user id).'),
        maxAttributes: z.number().int().min(4).max(1024).default(64).describe('At most this many attributes are kept per record.'),
      })
      .prefault({})
      .describe('What is masked, hashed or dropped before anything is stored.'),
    retention: duration
      // Under a day every event is stored already expired (nothing would ever be kept); past ten
      // years a TTL protects nothing a team could name.
      .refine((text) => !(durationSeconds(text) < MIN_RETENTION_SECONDS), 'at least 1d: shorter retention stores every event already expired')
      .refine((text) => !(durationSeconds(text) > MAX_RETENTION_SECONDS), 'at most 3650d (ten years)')
      .default('90d')
      .describe('How long data is kept, from 1d to 3650d; older data is deleted by the storage (ClickHouse TTL, Loki compactor).'),
    delivery: z
      .strictObject({
        persistentQueue: z.boolean().default(true).describe('Keep the export queue on disk so a crash or storage outage loses no acknowledged event.'),
        queueSize: z.number().int().min(1).default(5000).describe('Export queue capacity in batches; when full, receivers answer with retryable errors.'),
        batchSize: z.number().int().min(1).default(2000).describe('Exporter-side batch size in items.'),
        flushInterval: duration.default('1s').describe('Longest time an item waits for its batch.'),
        retry: z
          .strictObject({
            initialInterval: duration.default('1s').describe('First retry delay.'),
            maxInterval: duration.default('30s').describe('Longest retry delay.'),
            maxElapsedTime: duration.default('0s').describe('Give up after this long; 0s retries forever (nothing acknowledged is dropped).'),
          })
          .prefault({})
          .describe('Exporter retries on storage errors.'),
      })
      .prefault({})
      .describe('How the Collector delivers to storage.'),
    collector: z
      .strictObject({
        memoryLimitMiB: z.number().int().min(32).default(512).describe('memory_limiter hard limit.'),
        minFreeDiskMiB: z
          .number()
          .int()
          .min(16)
          .default(512)
          .describe(
            'Free space kept at the data directory: below it, up refuses to start and (runtime process) the Collector is paused, ' +
              'so clients get retryable refusals instead of a full disk, until a quarter more than this is free again.',
          ),
        healthPort: port.default(13133).describe('health_check extension port (loopback).'),
        metricsPort: port.default(8888).describe("Collector's own Prometheus metrics port (loopback)."),
      })
      .prefault({})
      .describe('The Collector itself.'),
    clickhouse: z
      .strictObject({
        port: port.default(8123).describe('ClickHouse HTTP port (loopback) for the server or the embedded engine.'),
        nativePort: port
          .optional()
          .describe("Native TCP port (loopback) of ClickHouse's own server from libchdb (the embedded engine, or clickhouse.server: chdb-server). Default: clickhouse.port + 1."),
        server: z
          .enum(['clickhouse-server', 'chdb-server'])
          .default('clickhouse-server')
          .describe(
            'The ClickHouse container runtime docker runs (and compose/ describes) for backend clickhouse without clickhouse.url: ' +
              'clickhouse-server, the official image pinned in configs/pins.json and pulled by your Docker engine; or chdb-server, ' +
              "ClickHouse's own server from libchdb with the embedded engine's writer and read-only users, in the FROM scratch image " +
              '`telemetry-stack images build` makes here (no registry needed). images.clickhouse overrides the tag of either.',
          ),
        database: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a ClickHouse identifier')
          .default('telemetry')
          .describe('Database the exporter writes into.'),
        username: z.string().min(1).default('default').describe('ClickHouse user.'),
        passwordEnv: envName.default('TELEMETRY_STACK_CLICKHOUSE_PASSWORD').describe('Environment variable holding the ClickHouse password; up generates one (stored 0600) when unset.'),
        url: storageUrl
          .optional()
          .describe(
            'HTTP address of an existing ClickHouse server (backend clickhouse), e.g. http://127.0.0.1:8123. ' +
              'up then starts no ClickHouse and the Collector writes there; clickhouse.port is not used.',
          ),
        cluster: z
          .strictObject({
            name: z
              .string()
              .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "expected a cluster name as the servers' remote_servers config spells it")
              .describe("Cluster name from the servers' remote_servers config: the Distributed tables spread over it."),
            replicated: z
              .boolean()
              .default(true)
              .describe("Local tables are ReplicatedMergeTree with the servers' {shard} and {replica} macros (needs Keeper); false: " + 'MergeTree, for shards of one server each.'),
            nodes: z
              .array(storageUrl)
              .min(1)
              .optional()
              .describe(
                'HTTP address of every server of the cluster: schema apply then creates the schema on each in turn instead of ' +
                  'ON CLUSTER (for a cluster without Keeper). Default: ON CLUSTER through clickhouse.url.',
              ),
          })
          .optional()
          .describe(
            'Write to a ClickHouse cluster through a schema telemetry-stack owns (`telemetry-stack schema apply`, also run by up): ' +
              'otel_*_local tables on every server and Distributed otel_* tables sharded by the hashed user id; synchronous, ' +
              'deduplicated inserts forwarded before they are acknowledged.',
          ),
        compress: z
          .enum(['lz4', 'zstd', 'none'])
          .optional()
          .describe("Compression of the Collector's inserts (ClickHouse's block compression). Default: lz4, the exporter's own default, for a server and the embedded engine alike."),
      })
      .prefault({})
      .describe('ClickHouse server and embedded engine settings.'),
    topology: z
      .strictObject({
        gateways: z
          .number()
          .int()
          .min(2)
          .max(100)
          .default(2)
          .describe('Identical gateway Collectors behind one load balancer (at least 2, the fewest that survive losing one); each keeps its own persistent queue.'),
        maxGateways: z.number().int().min(2).max(100).optional().describe('Most gateways an autoscaler may run (default: twice gateways).'),
        maxConnectionAge: duration
          .refine((text) => !(durationSeconds(text) < 30), 'at least 30s: shorter makes clients reconnect more than they send')
          .default('5m')
          .describe('gRPC connections are closed after this long, so clients reconnect and spread over new gateways.'),
        queueVolumeSize: z
          .string()
          .regex(/^[1-9][0-9]*(Mi|Gi|Ti)$/, 'expected a size such as 512Mi, 10Gi or 1Ti')
          .default('10Gi')
          .describe('Disk per gateway for its persistent queue (a volume claim per gateway on Kubernetes).'),
      })
      .optional()
      .describe('Run as a tier of gateways (generate --target kubernetes) instead of one Collector: needs backend clickhouse at ' + 'clickhouse.url, and receivers.auth.'),
    kubernetes: z
      .strictObject({
        namespace: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a Kubernetes namespace name (lowercase letters, digits, dashes)')
          .default('telemetry')
          .describe('Namespace every rendered object lives in.'),
        storageClassName: z.string().min(1).optional().describe("Storage class of the queue volumes (default: the cluster's default class)."),
        serviceType: z
          .enum(['ClusterIP', 'LoadBalancer'])
          .default('ClusterIP')
          .describe("Type of the gateways' Service: ClusterIP for clients inside the cluster or behind your ingress, LoadBalancer for clients outside."),
        clickhouseInstallation: z
          .strictObject({
            replicas: z.number().int().min(1).max(9).default(2).describe('ClickHouse replicas of the one shard.'),
            keeperReplicas: z
              .number()
              .int()
              .refine((n) => n === 1 || n === 3 || n === 5, 'expected 1, 3 or 5 (an odd quorum)')
              .default(3)
              .describe('ClickHouse Keeper replicas (1, 3 or 5).'),
            storageSize: z
              .string()
              .regex(/^[1-9][0-9]*(Mi|Gi|Ti)$/, 'expected a size such as 100Gi')
              .default('100Gi')
              .describe('Disk per ClickHouse replica.'),
          })
          .optional()
          .describe(
            'Also render a ClickHouseInstallation and a ClickHouseKeeperInstallation for the Altinity operator (installed ' +
              "separately); needs clickhouse.cluster, and clickhouse.url pointing at the installation's Service.",
          ),
        agent: z
          .boolean()
          .default(false)
          .describe(
            "Also render an agent Collector (a DaemonSet, one per node, its config usable as a sidecar's) that takes OTLP from " +
              "sources inside the cluster and forwards it to the gateways' Service with the bearer token.",
          ),
      })
      .optional()
      .describe('Settings of generate --target kubernetes.'),
    loki: z
      .strictObject({
        url: storageUrl
          .optional()
          .describe(
            'Base address of your Loki, e.g. http://127.0.0.1:3100: the Collector pushes OTLP to <url>/otlp and queries read ' +
              '<url>/loki/api/v1. Needed on runtime process; on runtime docker, leaving it out runs the pinned upstream Loki image.',
          ),
        port: port.default(3100).describe('HTTP port of the Loki container runtime docker runs when loki.url is not set (loopback).'),
        tenant: z.string().min(1).optional().describe('Tenant sent as X-Scope-OrgID on every push and query (a multi-tenant Loki).'),
        bearerTokenEnv: envName.optional().describe('Environment variable holding a token sent as Authorization: Bearer on every push and query.'),
      })
      .prefault({})
      .describe('Loki, the backend you bring: telemetry-stack never builds or ships it.'),
    grafana: z
      .strictObject({
        clickhouseUser: z
          .string()
          .min(1)
          .optional()
          .describe(
            'ClickHouse user the Grafana data source logs in as, on backend clickhouse: a read-only user of yours (readonly = 1, ' +
              "max_execution_time changeable_in_readonly). Default: clickhouse.username. Backend embedded uses the engine's read-only user.",
          ),
        clickhousePasswordEnv: envName.optional().describe("Environment variable of Grafana's that holds grafana.clickhouseUser's password. Default: clickhouse.passwordEnv."),
      })
      .prefault({})
      .describe('Settings of generate --target grafana. Grafana is yours: telemetry-stack never runs, builds or ships it.'),
    images: z
      .strictObject({
        collector: z.string().min(1).optional().describe('Collector image (default: the pinned official contrib image).'),
        clickhouse: z
          .string()
          .min(1)
          .optional()
          .describe('ClickHouse server image (default: the pinned official image, or with clickhouse.server: chdb-server the local tag `images build` gives it).'),
        loki: z.string().min(1).optional().describe('Loki image runtime docker runs when loki.url is not set (default: the pinned upstream image, pulled by your Docker engine).'),
        node: z
          .string()
          .min(1)
          .optional()
          .describe('Node.js image the Kubernetes schema Job runs `npx telemetry-stack schema apply` in (default: the pinned node image; it needs your npm registry or a mirror).'),
      })
      .prefault({})
      .describe('Image overrides for air-gapped machines (e.g. the Collector image built by `telemetry-stack images build`; its storage image is chosen with clickhouse.server).'),
    binaries: z
      .strictObject({
        collector: z.string().min(1).optional().describe('Collector binary for runtime process (default: the one `collector build` makes).'),
      })
      .prefault({})
      .describe('Binary overrides for runtime process.'),
  })
  .describe('telemetry-stack stack file: one short typed file that renders every Collector, storage and compose config.');

/** The stack file as written (keys optional). */
export type StackFileInput = z.input<typeof stackFileSchema>;
/** The stack file with every default applied. */
export type StackFile = z.output<typeof stackFileSchema>;
