import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { describeHolder, portInUse } from '../net/port-holder.js';
import type { Stack } from '../stack/resolve.js';
import { embeddedNativePort, runsChdbServer, storageEndpoint } from '../stack/storage-endpoint.js';
import { writeOwner } from './data-dir.js';
import { diskProblem, minFreeBytes } from './disk.js';
import { applySchema } from '../schema/apply.js';
import { schemaLayout } from '../schema/layout.js';
import { countRows } from '../retention/tables.js';
import { ATTRIBUTE_COLUMNS, materializeAttributeColumns } from '../render/clickhouse-ddl.js';
import { openClickHouse, tableColumns, tableExists } from '../storage/clickhouse.js';
import { httpOk, NotReadyError, waitFor, type WaitStrategy } from './readiness.js';
import type { ComponentStatus } from './runtime.js';

/** What both runtimes share: readiness of each part, ports, the data dir, the rollups. */
export const READY_TIMEOUT_MS = 60_000;

export const configDir = (dataDir: string) => join(dataDir, 'config');

export function collectorPorts(stack: Stack): number[] {
  const r = stack.receivers;
  return [...(r.grpc.enabled ? [r.grpc.port] : []), ...(r.http.enabled ? [r.http.port] : []), stack.collector.healthPort, stack.collector.metricsPort];
}

export function collectorReady(stack: Stack): WaitStrategy {
  const port = stack.collector.healthPort;
  return httpOk(`collector health_check on 127.0.0.1:${port}`, `http://127.0.0.1:${port}/`, READY_TIMEOUT_MS);
}

/** Ports of the storage this stack runs; none for storage the user brings. */
export function storagePorts(stack: Stack): number[] {
  if (storageEndpoint(stack).external) return [];
  if (stack.backend === 'loki') return [stack.loki.port];
  return runsChdbServer(stack) ? [stack.clickhouse.port, embeddedNativePort(stack.clickhouse)] : [stack.clickhouse.port];
}

export function storageReady(stack: Stack, timeoutMs = READY_TIMEOUT_MS): WaitStrategy {
  const { url, label } = storageEndpoint(stack);
  if (stack.backend === 'loki') return httpOk(`${label} /ready`, `${url}/ready`, timeoutMs);
  return httpOk(`${stack.backend === 'embedded' ? 'embedded ' : ''}${label} /ping`, `${url}/ping`, timeoutMs);
}

/**
 * Storage the user brings must answer before the Collector starts: a wrong address is one line
 * naming the key to fix, not a Collector retrying forever into nowhere.
 */
export async function requireExternalStorage(stack: Stack, timeoutMs = 15_000): Promise<void> {
  const key = stack.backend === 'loki' ? 'loki.url' : 'clickhouse.url';
  try {
    await waitFor(storageReady(stack, timeoutMs));
  } catch (e) {
    if (!(e instanceof NotReadyError)) throw e;
    throw new UserError(`${e.message}; check ${key} in the stack file and that the server is running`);
  }
}

/** status of storage the user brings: answering or not, never a pid or a container. */
export async function externalStorageStatus(stack: Stack): Promise<ComponentStatus> {
  const { label } = storageEndpoint(stack);
  const component = stack.backend === 'loki' ? 'loki' : 'clickhouse';
  try {
    await storageReady(stack, 0).probe();
    return { component, state: 'running', ports: [], detail: `yours: ${label}` };
  } catch (e) {
    return { component, state: 'unhealthy', ports: [], detail: `yours: ${label} does not answer (${(e as Error).message})` };
  }
}

/** Refuses to start over a busy port, naming who holds it. */
export async function requirePortsFree(component: string, ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    if (await portInUse(port)) throw new UserError(`${component}: ${describeHolder(port)}; stop it or change the port in the stack file`);
  }
}

/**
 * The data dir holds collected data: private to its owner, never committed, and marked with the
 * stack file it belongs to.
 */
export function prepareDataDir(stack: Stack): void {
  const full = diskProblem(stack.dataDir, minFreeBytes(stack));
  if (full) throw new UserError(full);
  mkdirSync(stack.dataDir, { recursive: true, mode: 0o700 });
  const ignore = join(stack.dataDir, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# Collected telemetry never goes into git.\n*\n');
  writeOwner(stack.dataDir, { name: stack.name, stackFile: stack.stackFile });
}

/**
 * `schema apply` as part of up. On one server the exporter creates its tables when it starts and
 * the rollups read otel_logs, so they wait for it; on a cluster the schema is telemetry-stack's
 * own and needs nothing first (the exporter retries its first inserts until the tables exist).
 * Either way every table's TTL is brought to the stack file's retention (it may have changed).
 */
export async function applyRollups(stack: Stack, password: string, progress: (line: string) => void): Promise<void> {
  const db = stack.clickhouse.database;
  const exporterOwned = schemaLayout(stack).owner === 'exporter';
  let columnsBefore = new Set<string>();
  if (exporterOwned) {
    const client = openClickHouse(stack, password, { role: 'writer' });
    try {
      await waitFor({
        name: `table ${db}.otel_logs (created by the Collector's exporter)`,
        timeoutMs: READY_TIMEOUT_MS,
        probe: () => tableExists(client, db, 'otel_logs'),
      });
      columnsBefore = await tableColumns(client, db, 'otel_logs');
    } finally {
      await client.close();
    }
  }
  const plan = await applySchema(stack, password);
  for (const node of plan.nodes) {
    const ttl = node.changes.filter((c) => c.action === 'modify-ttl').map((c) => c.object.replace(`${db}.`, ''));
    if (ttl.length > 0) progress(`clickhouse: retention ${stack.retention} applied to ${ttl.join(', ')}`);
  }
  progress(plan.owner === 'exporter' ? 'clickhouse: rollup tables, views and attribute columns in place' : `clickhouse: schema in place on cluster ${plan.cluster}`);
  if (exporterOwned) await materializeNewAttributeColumns(stack, password, columnsBefore, progress);
}

/**
 * Events stored before this version's attribute columns existed have them computed on every read,
 * as slow as reading the maps; one background mutation writes them once. Only when a column was
 * just added, so a later `up` does not rewrite the table again.
 */
async function materializeNewAttributeColumns(stack: Stack, password: string, before: ReadonlySet<string>, progress: (line: string) => void): Promise<void> {
  const added = ATTRIBUTE_COLUMNS.filter((c) => !before.has(c.column));
  if (added.length === 0) return;
  const db = stack.clickhouse.database;
  const client = openClickHouse(stack, password, { role: 'writer' });
  try {
    if ((await countRows(client, `SELECT count() AS n FROM ${db}.otel_logs`, {})) === 0) return;
    // mutations_sync 0: the engine's default here is 1, which would hold `up` (and hit the
    // client's 60 s timeout) for as long as the rewrite of a large table takes.
    await client.command({ query: materializeAttributeColumns(db, added), clickhouse_settings: { mutations_sync: '0' } });
    progress(`clickhouse: ${added.length} attribute columns added; the events already stored get them in the background`);
  } finally {
    await client.close();
  }
}
