import type { Stack } from '../stack/resolve.js';

/**
 * Who creates the event tables. On one server the exporter does (`create_schema: true`): its DDL
 * follows its own version, a single server needs no Distributed table, and existing stacks keep
 * the tables they have. On a cluster telemetry-stack does: the exporter would create local tables
 * only, so every row would land on the shard the insert reached.
 */
export type SchemaLayout =
  | { owner: 'exporter' }
  | {
      owner: 'telemetry-stack';
      cluster: string;
      replicated: boolean;
      /** Servers the DDL runs on one by one; empty: once, ON CLUSTER, through clickhouse.url. */
      nodes: string[];
    };

export function schemaLayout(stack: Stack): SchemaLayout {
  const c = stack.backend === 'clickhouse' ? stack.clickhouse.cluster : undefined;
  if (c === undefined) return { owner: 'exporter' };
  return { owner: 'telemetry-stack', cluster: c.name, replicated: c.replicated, nodes: (c.nodes ?? []).map((u) => u.replace(/\/$/, '')) };
}

/** Name of the table on each server that a Distributed table of `name` reads. */
export const localName = (name: string): string => `${name}_local`;

/**
 * Why a command that deletes rows (cleanup, purge) cannot run on this stack, if it cannot: a
 * Distributed table takes no ALTER ... DELETE, and the deletes (and a purge's rollup rebuild) would
 * have to run on every shard's local tables, which those commands do not do yet.
 */
export function clusterDeleteProblem(stack: Stack, command: string): string | undefined {
  const layout = schemaLayout(stack);
  if (layout.owner === 'exporter') return undefined;
  return (
    `${command}: on cluster ${layout.cluster} the rows are in each shard's otel_*_local tables, which ${command} does not delete from yet; ` +
    '--dry-run counts them, and docs/scale-out.md says how to delete by hand'
  );
}
