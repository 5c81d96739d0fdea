import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { UserError } from '../errors.js';
import { loadStatement } from '../query/templates.js';
import type { Stack } from '../stack/resolve.js';
import { clickhouseUsername, storageEndpoint } from '../stack/storage-endpoint.js';
import { desiredSchema } from './desired.js';
import { diffServer, readServerState, TTL_SETTINGS, type NodeDiff } from './diff.js';
import { schemaLayout } from './layout.js';

/**
 * `schema diff` and `schema apply`: compare the schema a stack wants with each server it runs on,
 * and make the changes. On a cluster with Keeper the DDL runs once, ON CLUSTER, through
 * clickhouse.url; with clickhouse.cluster.nodes it runs on each server in turn.
 */

export interface SchemaPlan {
  owner: 'exporter' | 'telemetry-stack';
  cluster?: string;
  nodes: NodeDiff[];
}

function nodeUrls(stack: Stack): { urls: string[]; onCluster: string } {
  const layout = schemaLayout(stack);
  if (layout.owner === 'telemetry-stack' && layout.nodes.length > 0) return { urls: layout.nodes, onCluster: '' };
  return { urls: [storageEndpoint(stack).url], onCluster: layout.owner === 'telemetry-stack' ? ` ON CLUSTER ${layout.cluster}` : '' };
}

/** A writer's client for one server, with no default database: apply may be what creates it. */
function openNode(stack: Stack, url: string, password: string): ClickHouseClient {
  return createClient({
    url,
    username: clickhouseUsername(stack, 'writer'),
    password,
    request_timeout: 120_000,
    log: { level: ClickHouseLogLevel.OFF },
  });
}

async function withNode<T>(stack: Stack, url: string, password: string, run: (client: ClickHouseClient) => Promise<T>): Promise<T> {
  const client = openNode(stack, url, password);
  try {
    return await run(client);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`schema: ClickHouse at ${url}: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    await client.close();
  }
}

export async function planSchema(stack: Stack, password: string): Promise<SchemaPlan> {
  const layout = schemaLayout(stack);
  const objects = desiredSchema(stack);
  const { urls, onCluster } = nodeUrls(stack);
  const nodes: NodeDiff[] = [];
  for (const url of urls) {
    nodes.push(await withNode(stack, url, password, async (c) => diffServer(url, objects, await readServerState(c, stack.clickhouse.database), onCluster)));
  }
  return { owner: layout.owner, ...(layout.owner === 'telemetry-stack' ? { cluster: layout.cluster } : {}), nodes };
}

/**
 * Makes every change of the plan, server by server; refuses before any change when a server
 * holds a conflict. Every statement is idempotent, so a second apply changes nothing.
 */
export async function applySchema(stack: Stack, password: string, progress: (line: string) => void = () => {}): Promise<SchemaPlan> {
  const plan = await planSchema(stack, password);
  const conflicts = plan.nodes.flatMap((n) => n.conflicts.map((c) => `${n.node}: ${c.object} ${c.detail}`));
  if (conflicts.length > 0) throw new UserError(`schema apply: ${conflicts.length} conflict(s), nothing changed`, conflicts);
  if (plan.owner === 'exporter' && !(await otelLogsExists(stack, password, plan.nodes[0]!.node))) {
    throw new UserError(`schema apply: ${stack.clickhouse.database}.otel_logs does not exist yet; on one server the Collector's exporter creates it, so run telemetry-stack up first`);
  }
  for (const node of plan.nodes) {
    await withNode(stack, node.node, password, async (client) => {
      for (const change of node.changes) {
        for (const query of change.statements) {
          await client.command({ query, ...(change.action === 'modify-ttl' ? { clickhouse_settings: TTL_SETTINGS } : {}) });
        }
      }
    });
    if (node.changes.length > 0) progress(`schema: ${node.node}: ${node.changes.length} change(s) applied`);
  }
  return plan;
}

async function otelLogsExists(stack: Stack, password: string, url: string): Promise<boolean> {
  return withNode(stack, url, password, async (c) => {
    const rs = await c.query({
      query: loadStatement('sql', 'schema/otel-logs-exists'),
      query_params: { db: stack.clickhouse.database },
      format: 'JSONEachRow',
    });
    return Number(((await rs.json()) as { n: string }[])[0]?.n ?? 0) > 0;
  });
}

/** The plan as people read it: one line per change, conflicts last; `applied` after apply made it. */
export function formatPlan(plan: SchemaPlan, applied = false): string {
  const changes = plan.nodes.reduce((n, node) => n + node.changes.length, 0);
  const lines: string[] = [
    applied ? `schema apply: ${changes} change(s) made` : `schema diff: ${changes} change(s) apply would make`,
    plan.owner === 'exporter' ? 'schema: one server; the exporter owns the event tables, telemetry-stack the rollups and TTLs' : `schema: telemetry-stack owns it on cluster ${plan.cluster}`,
  ];
  const mark = { create: '+', 'add-column': '+', 'modify-ttl': '~', run: '>' } as const;
  for (const n of plan.nodes) {
    lines.push(`${n.node}:`);
    for (const c of n.changes) lines.push(`  ${mark[c.action]} ${c.action} ${c.object}: ${c.detail}`);
    for (const c of n.conflicts) lines.push(`  ! conflict ${c.object} ${c.detail}`);
    lines.push(`  = ${n.upToDate.length} up to date${n.changes.length === 0 && n.conflicts.length === 0 ? '; nothing to change' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
