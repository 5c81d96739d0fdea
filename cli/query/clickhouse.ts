import type { ClickHouseClient } from '@clickhouse/client';
import { UserError } from '../errors.js';
import type { Stack } from '../stack/resolve.js';
import { storageEndpoint } from '../stack/storage-endpoint.js';
import { columnKind, normalizeCell, type QueryResult, type Row } from './result.js';
import type { Template } from './templates.js';

export type ParamValues = Record<string, string | number>;

/** Runs a template with exactly the parameters it names, as ClickHouse query parameters. */
export async function runTemplateOnClickHouse(client: ClickHouseClient, stack: Stack, template: Template, values: ParamValues): Promise<QueryResult> {
  const params: ParamValues = {};
  for (const name of template.params.keys()) {
    const value = values[name];
    if (value === undefined) throw new Error(`template ${template.name} names {${name}} but no value was given for it`);
    params[name] = value;
  }
  return runClickHouse(client, stack, template.text, params, { userStatement: false });
}

/** `userStatement`: the SQL came from the person running the command, so its errors are theirs to fix. */
export async function runClickHouse(
  client: ClickHouseClient,
  stack: Stack,
  sql: string,
  params: ParamValues = {},
  options: { userStatement: boolean } = { userStatement: true },
): Promise<QueryResult> {
  try {
    const rs = await client.query({ query: sql, format: 'JSON', query_params: params });
    const body = await rs.json<Record<string, unknown>>();
    const columns = (body.meta ?? []).map((m) => ({ name: m.name, type: m.type, kind: columnKind(m.type) }));
    const rows = body.data.map((raw) => {
      const row: Row = {};
      for (const c of columns) row[c.name] = normalizeCell(raw[c.name], c.kind);
      return row;
    });
    return { columns, rows };
  } catch (e) {
    throw clickHouseUserError(e, stack, options.userStatement);
  }
}

/**
 * Turns what a person can fix (storage not running, wrong password, rollups not created, a bad
 * statement of theirs) into one line; anything else stays an internal error.
 */
export function clickHouseUserError(e: unknown, stack: Stack, userStatement: boolean): unknown {
  if (e instanceof UserError || !(e instanceof Error)) return e;
  const where = storageEndpoint(stack).label;
  const code = (e as { code?: unknown }).code;
  const text = `${e.message} ${String((e as { cause?: { code?: string } }).cause?.code ?? '')}`;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|ECONNRESET|socket hang up/.test(text)) {
    return new UserError(`${where} is not answering; start the stack with \`telemetry-stack up\` (and check \`telemetry-stack status\`)`);
  }
  if (/timeout/i.test(e.message) && code === undefined) return new UserError(`${where} did not answer in time: ${e.message}`);
  if (typeof code === 'string' && /^\d+$/.test(code)) {
    const first = e.message.split('\n')[0]!.replace(/\s+/g, ' ').trim();
    if (code === '516' || code === '192' || code === '194') {
      return new UserError(`${where} refused the credentials: ${first}; use the password \`up\` generated (or $${stack.clickhouse.passwordEnv})`);
    }
    if (code === '60' && /cli_usage_daily|claude_code_cost_daily/.test(first)) {
      return new UserError(`${where}: ${first}; the daily rollups are missing: run \`telemetry-stack up\` once (it creates them)`);
    }
    if (code === '60' || code === '81') {
      return new UserError(`${where}: ${first}; nothing has been stored yet? send an event and run \`telemetry-stack verify\``);
    }
    if (userStatement) return new UserError(`${where}: ${first}`);
  }
  return e;
}
